/** Helpers of the runtime's tests: a filter topology, producing, reading a whole topic, waiting. */
import { randomUUID } from 'node:crypto';
import type { StreamsConfigInput } from '../../src/config.js';
import { InvalidStateStoreException } from '../../src/errors.js';
import type { ConsumedRecord, KafkaAdmin, KafkaClient, ProducerRecord } from '../../src/kafka/port.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import type { Record } from '../../src/processor/record.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import type { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { KafkaStreamsState } from '../../src/runtime/streams-state.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * Polls `check` until it is true; fails naming `what` after `timeoutMs`. A check that throws a
 * retriable `InvalidStateStoreException` (a store restoring, or its task closing for a
 * rebalance) counts as "not yet"; any other error fails at once.
 */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const attempt = (): Promise<boolean> => Promise.resolve().then(check).catch((e: unknown) => {
    if (e instanceof InvalidStateStoreException) return false;
    throw e;
  });
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Keeps values longer than 5 characters (the seed's filter), optionally calling `hook` first. */
export class LongValueFilter implements Processor<string, string, string, string> {
  #ctx!: ProcessorContext<string, string>;
  constructor(private readonly hook?: (record: Record<string, string>, ctx: ProcessorContext<string, string>) => void) {}
  init(ctx: ProcessorContext<string, string>): void {
    this.#ctx = ctx;
  }
  process(record: Record<string, string>): void {
    this.hook?.(record, this.#ctx);
    if (record.value.length > 5) this.#ctx.forward(record);
  }
}

/** source(input) → filter(value.length > 5) → sink(output), string serdes. */
export function filterTopology(input: string, output: string, hook?: (record: Record<string, string>, ctx: ProcessorContext<string, string>) => void): Topology {
  return new Topology()
    .addSource('Source', input, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .addProcessor('Filter', () => new LongValueFilter(hook), 'Source')
    .addSink('Sink', output, { keySerde: Serdes.String(), valueSerde: Serdes.String() }, 'Filter');
}

export function streamsConfig(bootstrapServers: string, applicationId: string, overrides: Partial<StreamsConfigInput> = {}): StreamsConfigInput {
  return {
    'application.id': applicationId,
    'bootstrap.servers': bootstrapServers,
    'commit.interval.ms': 100,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 500,
    ...overrides,
  };
}

/** `count` records key-i / value-i, where every other value is long enough to pass the filter. */
export function filterInput(topic: string, count: number, from = 0): ProducerRecord[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return { topic, key: Buffer.from(`key-${i}`), value: Buffer.from(i % 2 === 0 ? `long-value-${i}` : `v${i % 1000}`) };
  });
}

export function expectedFilterOutput(count: number, from = 0): string[] {
  const out: string[] = [];
  for (let i = from; i < from + count; i++) if (i % 2 === 0) out.push(`long-value-${i}`);
  return out;
}

export async function produce(client: KafkaClient, records: readonly ProducerRecord[], batch = 5_000): Promise<void> {
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += batch) await producer.send(records.slice(i, i + batch));
  } finally {
    await producer.disconnect();
  }
}

/** Every record of `topic` up to its current end, read outside any group. */
export async function readAll(client: KafkaClient, admin: KafkaAdmin, topic: string): Promise<ConsumedRecord[]> {
  const offsets = await admin.listOffsets(topic);
  const remaining = new Map(offsets.filter((o) => o.latest > o.earliest).map((o) => [o.partition, o.latest]));
  const out: ConsumedRecord[] = [];
  if (remaining.size === 0) return out;
  const reader = client.reader({ readCommitted: false });
  try {
    await reader.assign(offsets.map((o) => ({ topic, partition: o.partition, offset: o.earliest })));
    const deadline = Date.now() + 60_000;
    while (remaining.size > 0) {
      if (Date.now() > deadline) throw new Error(`Timed out reading ${topic}; still missing partitions ${[...remaining.keys()].join(', ')}`);
      for (const r of await reader.poll(500)) {
        out.push(r);
        if (r.offset + 1 >= (remaining.get(r.partition) ?? Infinity)) remaining.delete(r.partition);
      }
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** Values of `records` as strings, sorted. */
export const sortedValues = (records: readonly ConsumedRecord[]): string[] => records.map((r) => r.value?.toString() ?? '<null>').sort();

/** How many records of `topic` exist now (sum of log-end minus log-start offsets). */
export async function topicSize(admin: KafkaAdmin, topic: string): Promise<number> {
  return (await admin.listOffsets(topic)).reduce((n, o) => n + o.latest - o.earliest, 0);
}

/** Records every state transition of a client. */
export function recordStates(streams: KafkaStreams): KafkaStreamsState[] {
  const states: KafkaStreamsState[] = [];
  streams.setStateListener((now) => states.push(now));
  return states;
}

/** Duplicates and missing values of `actual` against `expected` (both value lists). */
export function compareOutput(expected: readonly string[], actual: readonly string[]): { missing: string[]; duplicates: number; unexpected: string[] } {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const v of actual) seen.set(v, (seen.get(v) ?? 0) + 1);
  let duplicates = 0;
  for (const n of seen.values()) duplicates += n - 1;
  return {
    missing: expected.filter((v) => !seen.has(v)),
    duplicates,
    unexpected: [...seen.keys()].filter((v) => !want.has(v)),
  };
}

/**
 * Every record of `topic` up to its current end as a reader with the given isolation sees it:
 * read_committed skips aborted transactions and markers, so the end is reached by the reader's
 * position, not by a last record.
 */
export async function readAllWith(client: KafkaClient, admin: KafkaAdmin, topic: string, readCommitted: boolean): Promise<ConsumedRecord[]> {
  const offsets = await admin.listOffsets(topic);
  const out: ConsumedRecord[] = [];
  const reader = client.reader({ readCommitted });
  try {
    await reader.assign(offsets.map((o) => ({ topic, partition: o.partition, offset: o.earliest })));
    const deadline = Date.now() + 60_000;
    const behind = (): number[] => offsets.filter((o) => (reader.position(topic, o.partition) ?? 0) < o.latest).map((o) => o.partition);
    while (behind().length > 0) {
      if (Date.now() > deadline) throw new Error(`Timed out reading ${topic}; partitions ${behind().join(', ')} not read to their end (an open transaction?)`);
      out.push(...(await reader.poll(200)));
    }
  } finally {
    await reader.close();
  }
  return out;
}

/**
 * Every entry of the key-value store `name` as this instance's interactive queries see it: its
 * active partitions, plus its standbys with `stale`, or only `partition` when given.
 */
export async function readKeyValueStore<V>(streams: KafkaStreams, name: string, stale = false, partition?: number): Promise<Map<string, V>> {
  let params = StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore<string, V>());
  if (stale) params = params.enableStaleStores();
  if (partition !== undefined) params = params.withPartition(partition);
  const out = new Map<string, V>();
  for await (const { key, value } of streams.store(params).all()) out.set(key, value);
  return out;
}

/** Whether two maps hold the same entries. */
export const sameEntries = <V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** The entries of `streams`' active partitions of `store`; none while it holds only standby (warm-up) copies, which answer only stale queries. */
export function activeEntries<V>(streams: KafkaStreams, store: string): Promise<Map<string, V>> {
  return readKeyValueStore<V>(streams, store).catch((e: unknown) => {
    if (e instanceof InvalidStateStoreException && /only standby replicas/.test(e.message)) return new Map<string, V>();
    throw e;
  });
}

/**
 * While tasks move between `instances`: no key read from an active copy of `store` has another
 * value than `truth` has. A read may find fewer keys (a task closing for a rebalance) or fail as
 * retriable (InvalidStateStoreException, counted as no keys), never a wrong value.
 */
export async function noWrongValue<V>(instances: readonly KafkaStreams[], store: string, truth: ReadonlyMap<string, V>): Promise<boolean> {
  for (const s of instances) {
    const entries = await activeEntries<V>(s, store).catch((e: unknown) => {
      if (e instanceof InvalidStateStoreException) return new Map<string, V>();
      throw e;
    });
    for (const [k, v] of entries) if (truth.get(k) !== v) return false;
  }
  return true;
}
