import { IllegalStateException } from '../errors.js';

/**
 * Why one partition could not answer (Kafka Streams' `FailureReason`, KIP-796):
 * - UNKNOWN_QUERY_TYPE: the store cannot run this query (a KeyQuery on a window store).
 * - NOT_ACTIVE: `requireActive()` and the partition is a standby or a restoring active task.
 * - NOT_UP_TO_BOUND: never here (no position bounds; see `StateQueryRequest`).
 * - NOT_PRESENT: a requested partition this instance does not hold now.
 * - DOES_NOT_EXIST: a requested partition the store does not have at all.
 * - STORE_EXCEPTION: the store threw while running the query.
 */
export type FailureReason = 'UNKNOWN_QUERY_TYPE' | 'NOT_ACTIVE' | 'NOT_UP_TO_BOUND' | 'NOT_PRESENT' | 'DOES_NOT_EXIST' | 'STORE_EXCEPTION';

/**
 * One partition's answer (Kafka's `QueryResult<R>`): a result, or a failure with its reason.
 * Kafka's `getPosition()` is left out: stores here keep no Position (no consistency vectors).
 */
export class QueryResult<R> {
  readonly #executionInfo: string[] = [];
  readonly #ok: boolean;
  readonly #result: R | undefined;
  readonly #reason: FailureReason | undefined;
  readonly #message: string | undefined;

  private constructor(ok: boolean, result: R | undefined, reason: FailureReason | undefined, message: string | undefined) {
    this.#ok = ok;
    this.#result = result;
    this.#reason = reason;
    this.#message = message;
  }

  static forResult<R>(result: R): QueryResult<R> {
    return new QueryResult<R>(true, result, undefined, undefined);
  }

  static forFailure<R>(reason: FailureReason, message: string): QueryResult<R> {
    return new QueryResult<R>(false, undefined, reason, message);
  }

  isSuccess(): boolean {
    return this.#ok;
  }

  isFailure(): boolean {
    return !this.#ok;
  }

  /** @throws IllegalStateException on a failure (Kafka: IllegalArgumentException) */
  getResult(): R {
    if (!this.#ok) throw new IllegalStateException(`Cannot get result for failed query. Failure is ${this.#reason}: ${this.#message}`);
    return this.#result as R;
  }

  /** @throws IllegalStateException on a success */
  getFailureReason(): FailureReason {
    if (this.#ok) throw new IllegalStateException('Cannot get failure reason, because this query did not fail.');
    return this.#reason!;
  }

  /** @throws IllegalStateException on a success */
  getFailureMessage(): string {
    if (this.#ok) throw new IllegalStateException('Cannot get failure message, because this query did not fail.');
    return this.#message!;
  }

  /** What the execution did, when the request had `enableExecutionInfo()`; else empty. */
  getExecutionInfo(): readonly string[] {
    return this.#executionInfo;
  }

  addExecutionInfo(info: string): void {
    this.#executionInfo.push(info);
  }

  toString(): string {
    return this.#ok ? `QueryResult{result=${String(this.#result)}}` : `QueryResult{failure=${this.#reason}: ${this.#message}}`;
  }
}

/** The answers of `KafkaStreams.query()` (Kafka's `StateQueryResult<R>`), by store partition. */
export class StateQueryResult<R> {
  readonly #partitions = new Map<number, QueryResult<R>>();
  #global: QueryResult<R> | undefined;

  /** @internal */
  addResult(partition: number, result: QueryResult<R>): void {
    this.#partitions.set(partition, result);
  }

  /** @internal Never called yet: global stores are not queryable here. */
  setGlobalResult(result: QueryResult<R>): void {
    this.#global = result;
  }

  /** Every answered partition, successes and failures. */
  getPartitionResults(): Map<number, QueryResult<R>> {
    return this.#partitions;
  }

  /**
   * The one successful partition result with a result (as Kafka: failures and empty results are
   * skipped), or `undefined` when there is none — the usual read of a KeyQuery over all partitions.
   * @throws IllegalStateException when more than one partition answered (Kafka: IllegalArgumentException)
   */
  getOnlyPartitionResult(): QueryResult<R> | undefined {
    const answered = [...this.#partitions.values()].filter((r) => r.isSuccess() && r.getResult() !== undefined && r.getResult() !== null);
    if (answered.length > 1) throw new IllegalStateException(`The query did not return exactly one partition result: ${[...this.#partitions].map(([p, r]) => `${p}=${r.toString()}`).join(', ')}`);
    return answered[0];
  }

  /** The result of a global store; `undefined` for other stores (and always, until global stores are queryable). */
  getGlobalResult(): QueryResult<R> | undefined {
    return this.#global;
  }
}
