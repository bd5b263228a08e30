import type { Query } from './queries.js';

/**
 * What `KafkaStreams.query()` runs (Kafka Streams' `StateQueryRequest<R>`, KIP-796): a query on
 * one store, over all local partitions (default) or the given ones, optionally only on running
 * active tasks, optionally with execution info. Immutable; `with*`/`require*`/`enable*` copy.
 * Kafka's `withPositionBound` is left out: stores here track no Position, so every request has
 * Kafka's `PositionBound.unbounded()` semantics (and NOT_UP_TO_BOUND never happens).
 *
 * @example
 * const request = StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('andy')).requireActive();
 */
export class StateQueryRequest<R> {
  private constructor(
    readonly storeName: string,
    readonly query: Query<R>,
    /** `undefined`: every local partition. */
    readonly partitions: ReadonlySet<number> | undefined,
    readonly requireActiveTask: boolean,
    readonly executionInfoEnabled: boolean,
  ) {}

  /** The first step: which store to query. */
  static inStore(name: string): InStore {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError(`store name must be a non-empty string, but got: ${String(name)}`);
    return new InStore(name);
  }

  /** @internal */
  static of<R>(name: string, query: Query<R>): StateQueryRequest<R> {
    return new StateQueryRequest(name, query, undefined, false, false);
  }

  /** Only these partitions; each one not answered here gets a NOT_PRESENT (or DOES_NOT_EXIST) result. */
  withPartitions(partitions: Iterable<number>): StateQueryRequest<R> {
    const set = new Set(partitions);
    for (const p of set) if (!Number.isInteger(p) || p < 0) throw new RangeError(`partitions must be non-negative integers, but got: ${p}`);
    return new StateQueryRequest(this.storeName, this.query, set, this.requireActiveTask, this.executionInfoEnabled);
  }

  /** Every partition this instance holds (the default). */
  withAllPartitions(): StateQueryRequest<R> {
    return new StateQueryRequest(this.storeName, this.query, undefined, this.requireActiveTask, this.executionInfoEnabled);
  }

  /** Only running active tasks answer; standbys and restoring tasks fail with NOT_ACTIVE. */
  requireActive(): StateQueryRequest<R> {
    return new StateQueryRequest(this.storeName, this.query, this.partitions, true, this.executionInfoEnabled);
  }

  /** Each result lists what its execution did (`QueryResult.getExecutionInfo()`). */
  enableExecutionInfo(): StateQueryRequest<R> {
    return new StateQueryRequest(this.storeName, this.query, this.partitions, this.requireActiveTask, true);
  }

  isAllPartitions(): boolean {
    return this.partitions === undefined;
  }
}

/** `StateQueryRequest.inStore(name)`, waiting for its query. */
export class InStore {
  /** @internal */
  constructor(readonly name: string) {}

  withQuery<R>(query: Query<R>): StateQueryRequest<R> {
    return StateQueryRequest.of(this.name, query);
  }
}
