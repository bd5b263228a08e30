/**
 * Helpers of the Kafka port conformance suite (`port.suite.ts`): waiting, cleanup, and a
 * listener that records what a group consumer delivered and in which order.
 */
import type {
  AssignmentContext,
  ConsumedRecord,
  ConsumerListener,
  FetchedBatch,
  GroupConsumer,
  GroupConsumerOptions,
  KafkaClient,
  TopicPartition,
} from '../../src/kafka/port.js';

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Kafka's error name of an error (`type`), looking through `cause` chains. */
export function errorType(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 10; depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Awaits a rejection and returns the error (fails if `promise` resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
  throw new Error('Expected a rejection, but the promise resolved');
}

/** Everything a test opened, closed in reverse order at the end of the test. */
export class Scope {
  readonly #closers: (() => Promise<unknown>)[] = [];

  defer(close: () => Promise<unknown>): void {
    this.#closers.push(close);
  }

  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const close of this.#closers.splice(0).reverse()) {
      try {
        await close();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `Cleanup failed: ${errors.map(String).join('; ')}`);
  }
}

export type ListenerEvent =
  | { readonly kind: 'assign'; readonly seq: number; readonly partitions: readonly TopicPartition[]; readonly context: AssignmentContext }
  | { readonly kind: 'revoke'; readonly seq: number; readonly partitions: readonly TopicPartition[] }
  | { readonly kind: 'batch'; readonly seq: number; readonly topic: string; readonly partition: number; readonly offsets: readonly number[] };

/** Orders events across listeners (revoke of one consumer before assign of another). */
let sequence = 0;

export interface ListenerHooks {
  onAssigned?(partitions: readonly TopicPartition[], context: AssignmentContext): Promise<void> | void;
  onRevoked?(partitions: readonly TopicPartition[]): Promise<void> | void;
  onBatch?(batch: FetchedBatch): Promise<void> | void;
}

/** A ConsumerListener that records every callback, and checks that none overlap. */
export class RecordingListener implements ConsumerListener {
  readonly events: ListenerEvent[] = [];
  readonly records: ConsumedRecord[] = [];
  readonly errors: Error[] = [];
  /** Callbacks that started while another was still running (the port forbids it). */
  overlaps = 0;
  #active = false;
  readonly #hooks: ListenerHooks;

  constructor(hooks: ListenerHooks = {}) {
    this.#hooks = hooks;
  }

  async onPartitionsAssigned(partitions: readonly TopicPartition[], context: AssignmentContext): Promise<void> {
    await this.#callback(async () => {
      this.events.push({ kind: 'assign', seq: ++sequence, partitions: [...partitions], context });
      await this.#hooks.onAssigned?.(partitions, context);
    });
  }

  async onPartitionsRevoked(partitions: readonly TopicPartition[]): Promise<void> {
    await this.#callback(async () => {
      this.events.push({ kind: 'revoke', seq: ++sequence, partitions: [...partitions] });
      await this.#hooks.onRevoked?.(partitions);
    });
  }

  async onBatch(batch: FetchedBatch): Promise<void> {
    await this.#callback(async () => {
      this.events.push({ kind: 'batch', seq: ++sequence, topic: batch.topic, partition: batch.partition, offsets: batch.records.map((r) => r.offset) });
      this.records.push(...batch.records);
      await this.#hooks.onBatch?.(batch);
    });
  }

  onError(error: Error): void {
    this.errors.push(error);
  }

  /** The current assignment: the last assign, unless a revoke followed it. */
  get assigned(): readonly TopicPartition[] | undefined {
    const last = this.events.filter((e) => e.kind !== 'batch').at(-1);
    return last?.kind === 'assign' ? last.partitions : undefined;
  }

  get lastAssign(): Extract<ListenerEvent, { kind: 'assign' }> | undefined {
    return this.events.filter((e): e is Extract<ListenerEvent, { kind: 'assign' }> => e.kind === 'assign').at(-1);
  }

  values(): string[] {
    return this.records.map((r) => r.value?.toString() ?? '<null>');
  }

  /** Last consumed offset + 1 per partition, for commits. */
  positions(partitions: readonly TopicPartition[]): { topic: string; partition: number; offset: number }[] {
    return partitions.flatMap(({ topic, partition }) => {
      const offsets = this.records.filter((r) => r.topic === topic && r.partition === partition).map((r) => r.offset);
      return offsets.length === 0 ? [] : [{ topic, partition, offset: Math.max(...offsets) + 1 }];
    });
  }

  async #callback(body: () => Promise<void>): Promise<void> {
    if (this.#active) this.overlaps++;
    this.#active = true;
    try {
      await body();
    } finally {
      this.#active = false;
    }
  }
}

/**
 * Checks the callback protocol of one consumer: it starts with an assignment, assignments and
 * revocations alternate, a revocation names the partitions of the assignment before it, and
 * batches arrive only for currently assigned partitions, in offset order per partition.
 */
export function callbackProtocolViolations(listener: RecordingListener): string[] {
  const problems: string[] = [];
  let assigned: readonly TopicPartition[] | undefined;
  const lastOffset = new Map<string, number>();
  for (const event of listener.events) {
    if (event.kind === 'assign') {
      if (assigned !== undefined) problems.push(`assign #${event.seq} without a revoke of the previous assignment`);
      assigned = event.partitions;
      lastOffset.clear();
    } else if (event.kind === 'revoke') {
      if (assigned === undefined) problems.push(`revoke #${event.seq} without an assignment`);
      else if (JSON.stringify(sortPartitions(event.partitions)) !== JSON.stringify(sortPartitions(assigned))) {
        problems.push(`revoke #${event.seq} names ${JSON.stringify(event.partitions)}, but ${JSON.stringify(assigned)} were assigned`);
      }
      assigned = undefined;
    } else {
      if (assigned === undefined || !assigned.some((p) => p.topic === event.topic && p.partition === event.partition)) {
        problems.push(`batch #${event.seq} of ${event.topic}-${event.partition} outside the assignment`);
      }
      const key = `${event.topic}-${event.partition}`;
      let previous = lastOffset.get(key) ?? -1;
      for (const offset of event.offsets) {
        if (offset <= previous) problems.push(`batch #${event.seq} of ${key}: offset ${offset} after ${previous}`);
        previous = offset;
      }
      lastOffset.set(key, previous);
    }
  }
  if (listener.overlaps > 0) problems.push(`${listener.overlaps} callback(s) started while another was running`);
  return problems;
}

export function sortPartitions<T extends TopicPartition>(partitions: readonly T[]): T[] {
  return [...partitions].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

export function sortRecords(records: readonly ConsumedRecord[]): ConsumedRecord[] {
  return [...records].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition || a.offset - b.offset));
}

/** Options that make group changes quick in tests. */
export const FAST_GROUP: Partial<GroupConsumerOptions> = { heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000 };

/** Connects, subscribes and runs a group consumer, disconnecting it when `scope` closes. */
export async function startConsumer(
  scope: Scope,
  client: KafkaClient,
  options: GroupConsumerOptions,
  topics: readonly string[],
  listener: ConsumerListener,
): Promise<GroupConsumer> {
  const consumer = client.consumer({ ...FAST_GROUP, ...options });
  scope.defer(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe(topics);
  await consumer.run(listener);
  return consumer;
}
