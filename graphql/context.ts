import type DataLoader from 'dataloader';
import type { QueryRouter } from '../src/query/query-router.js';
import type { KeyValueResult } from '../src/query/query-results.js';
import { keyValueLoader } from './loaders.js';

/**
 * What each request's resolvers share. Public fields only: Apollo shallow-copies the context
 * object per request, which would lose `#private` ones.
 */
export class QueryContext {
  readonly loaders = new Map<string, DataLoader<string, KeyValueResult | null>>();

  /**
   * @param forwarded the request came from another instance: answer from local stores only
   * @param partitions the store partitions a forwarded scan covers (undefined: every local active partition)
   */
  constructor(readonly router: QueryRouter, readonly forwarded: boolean, readonly partitions: readonly number[] | undefined) {}

  keyValues(store: string, allowStale = false): DataLoader<string, KeyValueResult | null> {
    const id = `${allowStale ? 'stale' : 'fresh'}:${store}`;
    let loader = this.loaders.get(id);
    if (loader === undefined) this.loaders.set(id, (loader = keyValueLoader(this.router, store, this.forwarded, allowStale)));
    return loader;
  }

  /** The partitions a forwarded scan of `store` reads: the header's, else every active running local one. */
  forwardedPartitions(store: string): number[] {
    if (this.partitions !== undefined) return [...this.partitions];
    return this.router.host.localStores(store).filter((s) => s.active).map((s) => s.partition);
  }
}
