/**
 * `topology.optimization=merge.repartition.topics` on the embedded backend: an app with one key
 * change and two aggregations creates only the merged repartition topic (named after the first
 * aggregation's), and both aggregations read it and produce the right results.
 */
import { describe, expect, it } from 'vitest';
import type { TopologyBuildConfig } from '../../src/config.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Grouped } from '../../src/dsl/grouped.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { ProducerRecord } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { eventually, produce, readAll, streamsConfig } from './runtime-helpers.js';

const f = embeddedClusterPerTest('merge-repartition', {
  topics: [
    { name: 'input', partitions: 2 },
    { name: 'counts', partitions: 2 },
    { name: 'joined', partitions: 2 },
  ],
});

/** Re-keys `k-i / g<i%4>:i` by group, then counts per group and concatenates the even values per group. */
function start(config: TopologyBuildConfig): KafkaStreams {
  const builder = new StreamsBuilder();
  const byGroup = builder.stream('input', Consumed.with(Serdes.String(), Serdes.String())).selectKey((_k, v) => v.split(':')[0]!);
  byGroup
    .groupByKey(Grouped.as('count'))
    .count(Materialized.as('count-store'))
    .toStream()
    .to('counts', Produced.with(Serdes.String(), Serdes.Long()));
  byGroup
    .filter((_k, v) => Number(v.split(':')[1]) % 2 === 0)
    .groupByKey(Grouped.as('evens'))
    .reduce((a, b) => `${a},${b}`, Materialized.as('evens-store'))
    .toStream()
    .to('joined', Produced.with(Serdes.String(), Serdes.String()));
  const streamsConf = streamsConfig(f.bootstrap, 'app', { 'state.dir': f.stateDir, 'statestore.cache.max.bytes': 0, 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() });
  const streams = new KafkaStreams(builder.build(config), { ...streamsConf, ...config });
  f.open.push(streams);
  return streams;
}

const input: ProducerRecord[] = Array.from({ length: 40 }, (_, i) => ({ topic: 'input', key: Buffer.from(`k-${i}`), value: Buffer.from(`g${i % 4}:${i}`) }));

/** The last value per key of a topic, as strings (counts decoded as Kafka longs). */
async function latest(topic: string, decode: (b: Buffer) => string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const r of (await readAll(f.client, f.admin, topic)).sort((a, b) => a.offset - b.offset)) m.set(r.key!.toString(), decode(r.value!));
  return m;
}

describe('topology.optimization=merge.repartition.topics', () => {
  it('creates only the merged repartition topic app-count-repartition, and both aggregations read it', async () => {
    const streams = start({ 'topology.optimization': 'merge.repartition.topics' });
    await streams.start();
    await produce(f.client, input);
    const expectedCounts = new Map(['g0', 'g1', 'g2', 'g3'].map((g) => [g, '10']));
    await eventually(async () => {
      const counts = await latest('counts', (b) => String(b.readBigInt64BE()));
      return [...expectedCounts].every(([k, v]) => counts.get(k) === v);
    }, 20_000, 'all counts');
    const topics = (await f.admin.listTopics()).filter((t) => t.startsWith('app-')).sort();
    expect(topics.filter((t) => t.endsWith('-repartition'))).toEqual(['app-count-repartition']);
    expect(topics).toEqual(['app-count-repartition', 'app-count-store-changelog', 'app-evens-store-changelog']);
    await eventually(async () => (await latest('joined', (b) => b.toString())).size === 2, 20_000, 'the even groups');
    const joined = await latest('joined', (b) => b.toString());
    // Each even group got all its values (compared sorted), read through the merged topic.
    const evens = (g: number): string => Array.from({ length: 10 }, (_, n) => g + 4 * n).join(',');
    expect(new Map([...joined].map(([k, v]) => [k, v.split(',').map((s) => Number(s.split(':')[1])).sort((a, b) => a - b).join(',')]))).toEqual(
      new Map([
        ['g0', evens(0)],
        ['g2', evens(2)],
      ]),
    );
  });

  it('without it, one repartition topic per aggregation', async () => {
    const streams = start({});
    await streams.start();
    await produce(f.client, input);
    await eventually(async () => (await latest('counts', (b) => String(b.readBigInt64BE()))).get('g3') === '10', 20_000, 'the counts');
    expect((await f.admin.listTopics()).filter((t) => t.endsWith('-repartition')).sort()).toEqual(['app-count-repartition', 'app-evens-repartition']);
  });
});
