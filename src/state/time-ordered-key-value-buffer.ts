import type { RecordContext } from '../processor/record-metadata.js';
import type { ConsumedRecordLike, ChangelogRestorer } from './changelog-restorer.js';
import { writeTime } from './ordered-key-schema.js';
import { SortedByteMap } from './sorted-byte-map.js';
import type { StateStore } from './state-store.js';
import type { StoreBuildContext, StoreBuilder } from './store-builder.js';
import type { StoreTaskContext } from './store-task-context.js';

/** A buffered update of one key: the value before the key was first buffered, and the latest `Change`. */
export interface BufferedChange {
  /** The key's value before its first update since it was last emitted (what the suppressed table still shows). */
  readonly priorValue: Buffer | null;
  readonly oldValue: Buffer | null;
  readonly newValue: Buffer | null;
  /** The record context of the latest update (its timestamp and headers are what is emitted). */
  readonly context: RecordContext;
}

/** What `evictWhile` hands to its callback. */
export interface BufferEviction extends BufferedChange {
  readonly key: Buffer;
  /** The buffer time the key was first inserted with. */
  readonly time: number;
}

interface Slot {
  readonly time: number;
  readonly sortKey: Buffer;
  value: BufferedChange;
  /** True while `oldValue` is the same bytes as `priorValue` (counted once, as Kafka does). */
  priorIsOld: boolean;
  size: number;
}

const EMPTY = Buffer.alloc(0);
const NULL_VALUE = -1;
const OLD_PREV_DUPLICATE_VALUE = -2;

/**
 * The buffer of `KTable.suppress()` (Kafka's `InMemoryTimeOrderedKeyValueChangeBuffer`): the
 * latest `Change` per serialized key, ordered by (buffer time, key bytes), held in memory and,
 * with logging, written to a changelog topic on every commit (dirty keys only; evicted keys as
 * tombstones) and restored from it.
 *
 * Buffer times are *non-resetting*: a key keeps the time of its first insertion until it is
 * evicted, however often it is updated (SEMANTICS §5.5). Sizes are estimated as Kafka does (key,
 * prior/old/new value bytes, record context, 8 bytes of time).
 *
 * Changelog values use Kafka's version-3 layout (record context, prior/old/new values with
 * length prefixes, buffer time); the version header Kafka adds is not written, as store
 * changelogs here carry no headers, and restoration reads every value as version 3.
 */
export class InMemoryTimeOrderedKeyValueBuffer implements StateStore, ChangelogRestorer {
  readonly name: string;
  readonly persistent = false;
  readonly #task: StoreTaskContext | undefined;
  readonly #changelogTopic: string | undefined;
  readonly #slots = new Map<string, Slot>();
  readonly #order = new SortedByteMap();
  readonly #dirty = new Set<string>();
  #bytes = 0;
  #open = false;

  /** @param changelogTopic the changelog topic when logging is enabled, else undefined */
  constructor(name: string, task: StoreTaskContext | undefined, changelogTopic: string | undefined) {
    this.name = name;
    this.#task = task;
    this.#changelogTopic = task === undefined ? undefined : changelogTopic;
  }

  /** The changelog topic when the buffer is logged (restoration finds the buffer by it), else undefined. */
  get changelogTopic(): string {
    return this.#changelogTopic as string;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Buffered keys. */
  get numRecords(): number {
    return this.#slots.size;
  }

  /** Estimated bytes buffered. */
  get bufferSize(): number {
    return this.#bytes;
  }

  /** The smallest buffer time, or `Infinity` when empty. */
  get minTimestamp(): number {
    const first = this.#order.scan().next();
    return first.done === true ? Infinity : this.#slotOf(first.value.key).time;
  }

  async init(): Promise<void> {
    this.#open = true;
  }

  /** Logs the keys changed since the last flush (the task commits right after). */
  async flush(): Promise<void> {
    const topic = this.#changelogTopic;
    const task = this.#task;
    if (topic === undefined || task === undefined) return;
    for (const id of this.#dirty) {
      const key = Buffer.from(id, 'latin1');
      const slot = this.#slots.get(id);
      if (slot === undefined) task.logChange(topic, key, null, task.recordContext().timestamp);
      else task.logChange(topic, key, serializeChange(slot), slot.value.context.timestamp);
    }
    this.#dirty.clear();
  }

  async close(): Promise<void> {
    this.#open = false;
    this.#slots.clear();
    this.#order.clear();
    this.#dirty.clear();
    this.#bytes = 0;
  }

  /**
   * Buffers the latest change of `key` at `time` (or at the key's earlier time, when it is
   * buffered already), with the record context of the update.
   */
  put(time: number, key: Buffer, change: { readonly oldValue: Buffer | null; readonly newValue: Buffer | null }, context: RecordContext): void {
    const id = key.toString('latin1');
    const existing = this.#slots.get(id);
    const value: BufferedChange = {
      priorValue: existing === undefined ? change.oldValue : existing.value.priorValue,
      oldValue: change.oldValue,
      newValue: change.newValue,
      context,
    };
    // A first insertion's prior value is its old value: the same bytes, counted once.
    this.#cleanPut(time, id, key, value, existing === undefined);
    if (this.#changelogTopic !== undefined) this.#dirty.add(id);
  }

  /**
   * Takes entries in (buffer time, key) order while `predicate()` holds, handing each to
   * `callback` before removing it (Kafka's `evictWhile`).
   */
  async evictWhile(predicate: () => boolean, callback: (eviction: BufferEviction) => void | Promise<void>): Promise<void> {
    while (this.#slots.size > 0 && predicate()) {
      const first = this.#order.scan().next();
      if (first.done === true) return;
      const sortKey = first.value.key;
      const id = sortKey.toString('latin1', 8);
      const slot = this.#slots.get(id) as Slot;
      const key = sortKey.subarray(8);
      await callback({ key, time: slot.time, ...slot.value });
      // The callback may have buffered this key again (a cycle downstream); remove only what was evicted.
      if (this.#slots.get(id) === slot) this.#remove(id, slot);
    }
  }

  /**
   * The value the key had before it was first buffered (what a reader of the suppressed table
   * sees while the update is held back): `{ found: true, value }` when buffered, else `{ found: false }`.
   */
  priorValueForBuffered(key: Buffer): { readonly found: true; readonly value: Buffer | null } | { readonly found: false } {
    const slot = this.#slots.get(key.toString('latin1'));
    return slot === undefined ? { found: false } : { found: true, value: slot.value.priorValue };
  }

  /**
   * Runs `forward` with the task's record context set to `context` (so what an eviction forwards
   * carries the buffered update's context), or just runs it outside a task.
   */
  async forwardWithContext(context: RecordContext, forward: () => void | Promise<void>): Promise<void> {
    if (this.#task === undefined) await forward();
    else await this.#task.forwardWithContext(context, forward);
  }

  /** Applies changelog records: a value re-buffers its key at its time, a tombstone removes it. */
  async restore(records: readonly ConsumedRecordLike[]): Promise<void> {
    for (const record of records) {
      if (record.key === null) continue;
      const id = record.key.toString('latin1');
      if (record.value === null) {
        const slot = this.#slots.get(id);
        if (slot !== undefined) this.#remove(id, slot);
        continue;
      }
      const { time, value } = deserializeChange(record.value);
      this.#cleanPut(time, id, Buffer.from(record.key), value, value.oldValue !== null && value.oldValue === value.priorValue);
    }
  }

  #slotOf(sortKey: Buffer): Slot {
    return this.#slots.get(sortKey.toString('latin1', 8)) as Slot;
  }

  #cleanPut(time: number, id: string, key: Buffer, value: BufferedChange, priorIsOld: boolean): void {
    const existing = this.#slots.get(id);
    if (existing === undefined) {
      const sortKey = Buffer.allocUnsafe(8 + key.length);
      writeTime(sortKey, Math.max(0, time), 0);
      key.copy(sortKey, 8);
      const slot: Slot = { time, sortKey, value, priorIsOld, size: 0 };
      slot.size = recordSize(key, slot);
      this.#slots.set(id, slot);
      this.#order.set(sortKey, EMPTY);
      this.#bytes += slot.size;
    } else {
      // Non-resetting: the key keeps its place (and buffer time).
      this.#bytes -= existing.size;
      existing.value = value;
      existing.priorIsOld = priorIsOld;
      existing.size = recordSize(key, existing);
      this.#bytes += existing.size;
    }
  }

  #remove(id: string, slot: Slot): void {
    this.#slots.delete(id);
    this.#order.delete(slot.sortKey);
    this.#bytes -= slot.size;
    if (this.#changelogTopic !== undefined) this.#dirty.add(id);
  }
}

function recordSize(key: Buffer, slot: Slot): number {
  const { priorValue, oldValue, newValue, context } = slot.value;
  let size = 8 + key.length;
  size += priorValue === null ? 0 : priorValue.length;
  size += oldValue === null || slot.priorIsOld ? 0 : oldValue.length;
  size += newValue === null ? 0 : newValue.length;
  // Kafka's ProcessorRecordContext.residentMemorySizeEstimate.
  size += 8 + 8 + 4 + (context.topic === undefined ? 0 : context.topic.length);
  for (const header of context.headers) size += header.key.length + (header.value === null ? 0 : header.value.length);
  return size;
}

function sizedBytes(value: Buffer | null): number {
  return 4 + (value === null ? 0 : value.length);
}

/** Kafka's `BufferValue.serialize` (with `ProcessorRecordContext.serialize` in front) plus the buffer time. */
function serializeChange(slot: Slot): Buffer {
  const { priorValue, oldValue, newValue, context } = slot.value;
  const topic = Buffer.from(context.topic ?? '', 'utf8');
  const headers = context.headers.map((h) => ({ key: Buffer.from(h.key, 'utf8'), value: h.value }));
  let size = 8 + 8 + 4 + topic.length + 4 + 4;
  for (const h of headers) size += 4 + h.key.length + sizedBytes(h.value);
  const oldIsPrior = oldValue !== null && priorValue !== null && oldValue.equals(priorValue);
  size += sizedBytes(priorValue) + (oldValue === null || oldIsPrior ? 4 : sizedBytes(oldValue)) + sizedBytes(newValue) + 8;
  const bytes = Buffer.alloc(size);
  let at = bytes.writeBigInt64BE(BigInt(context.timestamp), 0);
  at = bytes.writeBigInt64BE(BigInt(context.offset), at);
  at = bytes.writeInt32BE(topic.length, at);
  at += topic.copy(bytes, at);
  at = bytes.writeInt32BE(context.partition, at);
  at = bytes.writeInt32BE(headers.length, at);
  for (const h of headers) {
    at = bytes.writeInt32BE(h.key.length, at);
    at += h.key.copy(bytes, at);
    at = writeValue(bytes, h.value, at);
  }
  at = writeValue(bytes, priorValue, at);
  if (oldValue === null) at = bytes.writeInt32BE(NULL_VALUE, at);
  else if (oldIsPrior) at = bytes.writeInt32BE(OLD_PREV_DUPLICATE_VALUE, at);
  else at = writeValue(bytes, oldValue, at);
  at = writeValue(bytes, newValue, at);
  bytes.writeBigInt64BE(BigInt(slot.time), at);
  return bytes;
}

function writeValue(bytes: Buffer, value: Buffer | null, at: number): number {
  if (value === null) return bytes.writeInt32BE(NULL_VALUE, at);
  const next = bytes.writeInt32BE(value.length, at);
  return next + value.copy(bytes, next);
}

function deserializeChange(bytes: Buffer): { time: number; value: BufferedChange } {
  let at = 0;
  const timestamp = Number(bytes.readBigInt64BE(at));
  at += 8;
  const offset = Number(bytes.readBigInt64BE(at));
  at += 8;
  const topicLength = bytes.readInt32BE(at);
  at += 4;
  const topic = topicLength <= 0 ? undefined : bytes.toString('utf8', at, at + topicLength);
  at += Math.max(0, topicLength);
  const partition = bytes.readInt32BE(at);
  at += 4;
  const headerCount = bytes.readInt32BE(at);
  at += 4;
  const headers: Array<{ key: string; value: Buffer | null }> = [];
  for (let i = 0; i < headerCount; i++) {
    const keyLength = bytes.readInt32BE(at);
    at += 4;
    const key = bytes.toString('utf8', at, at + keyLength);
    at += keyLength;
    const [value, next] = readValue(bytes, at);
    at = next;
    headers.push({ key, value });
  }
  const [priorValue, afterPrior] = readValue(bytes, at);
  at = afterPrior;
  let oldValue: Buffer | null;
  if (bytes.readInt32BE(at) === OLD_PREV_DUPLICATE_VALUE) {
    oldValue = priorValue;
    at += 4;
  } else {
    [oldValue, at] = readValue(bytes, at);
  }
  const [newValue, afterNew] = readValue(bytes, at);
  const time = Number(bytes.readBigInt64BE(afterNew));
  return { time, value: { priorValue, oldValue, newValue, context: { topic, partition, offset, timestamp, headers } } };
}

function readValue(bytes: Buffer, at: number): [Buffer | null, number] {
  const length = bytes.readInt32BE(at);
  if (length < 0) return [null, at + 4];
  return [Buffer.from(bytes.subarray(at + 4, at + 4 + length)), at + 4 + length];
}

/**
 * Builds the suppression buffer of one task (Kafka's `InMemoryTimeOrderedKeyValueChangeBuffer.Builder`):
 * logging enabled by default (changelog `<application.id>-<name>-changelog`, compacted); caching
 * does not apply (the buffer is its own cache), so the caching switches are no-ops, as in Kafka.
 */
export class TimeOrderedKeyValueBufferBuilder implements StoreBuilder<InMemoryTimeOrderedKeyValueBuffer> {
  readonly name: string;
  readonly cachingEnabled = false;
  #logging = true;
  #logConfig: Readonly<Record<string, string>> = {};

  constructor(name: string) {
    this.name = name;
  }

  get loggingEnabled(): boolean {
    return this.#logging;
  }

  get logConfig(): Readonly<Record<string, string>> {
    return this.#logConfig;
  }

  withCachingEnabled(): this {
    return this;
  }

  withCachingDisabled(): this {
    return this;
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    this.#logging = true;
    this.#logConfig = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.#logging = false;
    this.#logConfig = {};
    return this;
  }

  build(context: StoreBuildContext): InMemoryTimeOrderedKeyValueBuffer {
    const topic = this.#logging && context.applicationId !== undefined ? `${context.applicationId}-${this.name}-changelog` : undefined;
    return new InMemoryTimeOrderedKeyValueBuffer(this.name, context.task, topic);
  }
}
