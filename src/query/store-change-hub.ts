import { withTimestamp } from '../state/value-and-timestamp.js';
import { parseKafkaWindowKey } from '../state/window-key-schema.js';
import type { QueryableStoreInfo, StoreChange } from './query-host.js';

/**
 * Turns the changelog records an instance's active tasks send into the key-value and window
 * store changes `QueryHost.subscribeChanges` delivers (a window store's changelog key is Kafka's
 * `[key][window start][seq]`: the change carries the key and the window start). The changelog is where every committed write of a
 * logged store passes (after its cache flushes), so watching it sees exactly what the store
 * holds; stores with logging disabled are not seen. A timestamped store's change gets its
 * stored form back (timestamp in front of the value), as the changelogging layer undoes it on
 * restore. Costs one set-size check per changelog record while no one listens.
 */
export class StoreChangeHub {
  readonly #listeners = new Set<(change: StoreChange) => void>();
  readonly #stores: () => readonly QueryableStoreInfo[];
  #byTopic: Map<string, QueryableStoreInfo> | undefined;

  /** @param stores the instance's queryable stores (known once its topics were prepared) */
  constructor(stores: () => readonly QueryableStoreInfo[]) {
    this.#stores = stores;
  }

  /** Calls `listener` with every change of a key-value or window store until the returned function is called. */
  subscribe(listener: (change: StoreChange) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** One changelog record sent by a task (any logged store: other stores' records are ignored). */
  changelogRecord(topic: string, partition: number, key: Buffer | null, value: Buffer | null, timestamp: number): void {
    if (this.#listeners.size === 0 || key === null) return;
    const info = this.#storeOf(topic);
    if (info === undefined) return;
    let windowStart: number | undefined;
    if (info.kind === 'window') {
      try {
        ({ key, windowStartMs: windowStart } = parseKafkaWindowKey(key));
      } catch {
        return;   // not a window changelog key: nothing a subscriber could read
      }
    }
    const change: StoreChange = {
      store: info.name,
      partition,
      key,
      ...(windowStart === undefined ? {} : { windowStart }),
      value: value === null ? null : info.timestamped ? withTimestamp(value, timestamp) : value,
      timestamp,
    };
    // A failing subscriber must not fail the task that wrote the record.
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // the subscriber's problem; the others still get the change
      }
    }
  }

  #storeOf(topic: string): QueryableStoreInfo | undefined {
    if (this.#byTopic === undefined) {
      const stores = this.#stores().filter((s) => s.kind === 'keyValue' || s.kind === 'window');
      if (stores.length === 0) return undefined;   // topics not prepared yet: ask again next time
      this.#byTopic = new Map(stores.map((s) => [s.serdeTopic, s]));
    }
    return this.#byTopic.get(topic);
  }
}
