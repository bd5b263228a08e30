/** A word count through a repartition topic and its exactly-once checks, for the exactly-once runtime tests. */
import { expect } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Grouped } from '../../src/dsl/grouped.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { Repartitioned } from '../../src/dsl/repartitioned.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { ConsumedRecord, ProducerRecord } from '../../src/kafka/port.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Topology } from '../../src/topology/topology.js';

export const WORDS = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox', 'gnu'];

/** `count` records of topic `topic` keyed k<i>, the i-th word of WORDS (cycling), from index `from`. */
export const words = (from: number, count: number, partition?: number, topic = 'in'): ProducerRecord[] =>
  Array.from({ length: count }, (_, n) => ({
    topic,
    ...(partition === undefined ? {} : { partition }),
    key: Buffer.from(`k${from + n}`),
    value: Buffer.from(WORDS[(from + n) % WORDS.length]!),
  }));

/**
 * Words of `input` regrouped by word (through the repartition topic `<app>-words-repartition`)
 * and counted in the persistent store 'counts', updates to topic `output`. `onWord` runs first
 * for every record (it may return a promise: the record waits for it).
 */
export function wordCount(onWord: (word: string) => void | Promise<void> = () => undefined, input = 'in', output = 'counts'): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .peek((_k, word) => onWord(word ?? ''))
    .selectKey((_k, word) => word ?? '')
    .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName('words'))
    .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
    .count(Materialized.as<string, number>('counts').withValueSerde(Serdes.Long()))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}

/** The count of every word among the first `count` records of `words`. */
export function truth(count: number): Map<string, number> {
  const t = new Map<string, number>();
  for (let i = 0; i < count; i++) t.set(WORDS[i % WORDS.length]!, (t.get(WORDS[i % WORDS.length]!) ?? 0) + 1);
  return t;
}

/** Per word, the counts emitted in offset order. */
export function emittedCounts(records: readonly ConsumedRecord[]): Map<string, number[]> {
  const byWord = new Map<string, number[]>();
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const word = r.key!.toString();
    const list = byWord.get(word) ?? [];
    list.push(Number(r.value!.readBigInt64BE()));
    byWord.set(word, list);
  }
  return byWord;
}

/** Exactly-once's visible promise for a count: per word, strictly increasing counts ending at the truth. */
export function expectExactCounts(records: readonly ConsumedRecord[], expected: Map<string, number>): void {
  const emitted = emittedCounts(records);
  expect([...emitted.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [word, counts] of emitted) {
    expect(counts.at(-1), `final count of ${word}`).toBe(expected.get(word));
    for (let i = 1; i < counts.length; i++) expect(counts[i]!, `counts of ${word} increase: ${counts.join(',')}`).toBeGreaterThan(counts[i - 1]!);
  }
}
