import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { followLocalChanges, type KeyValueChangeResult } from '../src/query/change-stream.js';
import type { QueryRouter } from '../src/query/query-router.js';
import { AsyncQueue } from './async-queue.js';
import type { QueryContext } from './context.js';
import type { SchemaResolvers } from './schema.js';

const CHANGES = 'subscription Changes($store: String!, $key: String) { changes(store: $store, key: $key) { store key value partition timestamp windowStart windowEnd } }';

/**
 * `Subscription.changes`: every instance pushes the changes of the partitions it owns; a
 * subscriber on any instance gets all of them because that instance subscribes, over
 * graphql-ws, to the local changes of each peer the group names (marked forwarded, so peers do
 * not fan out again). Peers that join the group after the subscription started are not followed.
 */
export class ChangeFeed {
  readonly #router: QueryRouter;
  readonly #authToken: string | undefined;
  readonly #clients = new Set<Client>();

  constructor(router: QueryRouter, authToken: string | undefined) {
    this.#router = router;
    this.#authToken = authToken;
  }

  resolvers(): NonNullable<SchemaResolvers<QueryContext>['Subscription']> {
    return { changes: { subscribe: (args, ctx) => this.#subscribe(args['store'] as string, (args['key'] ?? undefined) as string | undefined, ctx.forwarded) } };
  }

  #subscribe(store: string, key: string | undefined, localOnly: boolean): AsyncIterable<KeyValueChangeResult> {
    const stops: Array<() => void> = [];
    const queue = new AsyncQueue<KeyValueChangeResult>(() => stops.forEach((stop) => stop()));
    stops.push(followLocalChanges(this.#router.host, store, key, (change) => queue.push(change)));
    if (!localOnly) {
      for (const peer of this.#router.instances()) {
        if (peer.endpoint !== this.#router.endpoint) stops.push(this.#follow(peer.endpoint, store, key, queue));
      }
    }
    return queue;
  }

  #follow(endpoint: string, store: string, key: string | undefined, queue: AsyncQueue<KeyValueChangeResult>): () => void {
    const client = createClient({
      url: `ws://${endpoint}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { forwarded: true, ...(this.#authToken === undefined ? {} : { authorization: `Bearer ${this.#authToken}` }) },
      retryAttempts: 5,
    });
    this.#clients.add(client);
    type Remote = Omit<KeyValueChangeResult, 'timestamp' | 'windowStart' | 'windowEnd'> & { timestamp: string; windowStart: string | null; windowEnd: string | null };
    const stop = client.subscribe<{ changes: Remote }>(
      { query: CHANGES, variables: { store, key } },
      {
        next: ({ data }) => {
          if (data?.changes === undefined) return;
          const { windowStart, windowEnd, ...rest } = data.changes;
          queue.push({
            ...rest,
            timestamp: Date.parse(rest.timestamp),
            ...(windowStart === null || windowEnd === null ? {} : { windowStart: Date.parse(windowStart), windowEnd: Date.parse(windowEnd) }),
          });
        },
        error: () => {},
        complete: () => {},
      },
    );
    return () => {
      stop();
      this.#clients.delete(client);
      void client.dispose();
    };
  }

  close(): void {
    for (const client of this.#clients) void client.dispose();
    this.#clients.clear();
  }
}
