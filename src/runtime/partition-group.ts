import type { ConsumedRecord, TopicPartition } from '../kafka/port.js';

/**
 * The head of a record queue once deserialized and timestamped. The task prepares heads lazily,
 * inside `process()`, so a bad record is handled there (and a 'fail' decision rejects it).
 */
export interface PreparedHead {
  readonly raw: ConsumedRecord;
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
}

/** One input partition's buffer (Kafka's `RecordQueue`): offset order, and the partition time. */
export class RecordQueue {
  readonly partition: TopicPartition;
  #records: ConsumedRecord[] = [];
  #start = 0;
  #head: PreparedHead | undefined;
  /** Max timestamp of records taken from this queue; -1 until one is (SEMANTICS §1.1). */
  partitionTime = -1;
  /** Offset to commit (last processed or skipped + 1); -1 until a record is taken. */
  nextOffset = -1;
  /** Whether `nextOffset` moved since the last commit. */
  progressed = false;

  constructor(partition: TopicPartition) {
    this.partition = partition;
  }

  add(records: readonly ConsumedRecord[]): void {
    for (const r of records) this.#records.push(r);
  }

  /** Records buffered, the prepared head included. */
  get size(): number {
    return this.#records.length - this.#start + (this.#head === undefined ? 0 : 1);
  }

  get head(): PreparedHead | undefined {
    return this.#head;
  }

  /** The next raw record to prepare as head, removed from the buffer. */
  takeRaw(): ConsumedRecord | undefined {
    if (this.#start >= this.#records.length) return undefined;
    const r = this.#records[this.#start++];
    // Compact now and then, so a long-lived queue does not keep every record it ever held.
    if (this.#start > 1024 && this.#start * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#start);
      this.#start = 0;
    }
    return r;
  }

  setHead(head: PreparedHead): void {
    this.#head = head;
  }

  /** Takes the prepared head and advances the partition time. */
  pollHead(): PreparedHead | undefined {
    const head = this.#head;
    this.#head = undefined;
    if (head !== undefined && head.timestamp > this.partitionTime) this.partitionTime = head.timestamp;
    return head;
  }

  clear(): void {
    this.#records = [];
    this.#start = 0;
    this.#head = undefined;
  }
}

/**
 * The queues of one task (Kafka's `PartitionGroup`). The next record is the head with the
 * smallest timestamp across the task's partitions; ties go to the partition listed first
 * (SEMANTICS §1.2). Stream time is the max timestamp taken so far, never decreasing.
 */
export class PartitionGroup {
  readonly #queues: RecordQueue[];
  readonly #byKey = new Map<string, RecordQueue>();
  streamTime = -1;

  constructor(partitions: readonly TopicPartition[]) {
    this.#queues = partitions.map((p) => new RecordQueue(p));
    for (const q of this.#queues) this.#byKey.set(keyOf(q.partition), q);
  }

  queueOf(partition: TopicPartition): RecordQueue | undefined {
    return this.#byKey.get(keyOf(partition));
  }

  get queues(): readonly RecordQueue[] {
    return this.#queues;
  }

  /** The queue whose prepared head has the smallest timestamp; heads must be prepared first. */
  nextQueue(): RecordQueue | undefined {
    let best: RecordQueue | undefined;
    for (const q of this.#queues) {
      const head = q.head;
      if (head === undefined) continue;
      if (best === undefined || head.timestamp < (best.head as PreparedHead).timestamp) best = q;
    }
    return best;
  }

  /** Takes the head of `queue` and advances stream time. */
  poll(queue: RecordQueue): PreparedHead | undefined {
    const head = queue.pollHead();
    if (head !== undefined && head.timestamp > this.streamTime) this.streamTime = head.timestamp;
    return head;
  }

  clear(): void {
    for (const q of this.#queues) q.clear();
  }
}

export function keyOf(partition: TopicPartition): string {
  return `${partition.topic}\u0000${partition.partition}`;
}
