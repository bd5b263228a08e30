/**
 * `topology.optimization` (Kafka's `StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG`): parsing, `all`
 * (the three optimizations together), and `reuse.ktable.source.topics` applied by
 * `StreamsBuilder.build(config)` (Kafka's
 * `InternalStreamsBuilder.reuseKTableSourceTopics` / `TableSourceNode` /
 * `InternalTopologyBuilder.connectSourceStoreAndTopic`).
 */
import { describe, expect, it } from 'vitest';
import { parseTopologyOptimization, resolveConfig, StreamsConfig } from '../../src/config.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { ConfigException, TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import type { Topology } from '../../src/topology/topology.js';

const REUSE = { 'topology.optimization': 'reuse.ktable.source.topics' };

describe('topology.optimization config', () => {
  it("accepts 'none' (default) and 'reuse.ktable.source.topics', with Kafka's spacing rules", () => {
    expect([...parseTopologyOptimization(undefined)]).toEqual([]);
    expect([...parseTopologyOptimization('none')]).toEqual([]);
    expect([...parseTopologyOptimization(StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS)]).toEqual(['reuse.ktable.source.topics']);
    expect([...parseTopologyOptimization(' reuse.ktable.source.topics , reuse.ktable.source.topics ')]).toEqual(['reuse.ktable.source.topics']);
    const base = { 'application.id': 'app', 'bootstrap.servers': 'embedded://x' };
    expect([...resolveConfig(base).topologyOptimizations]).toEqual([]);
    expect([...resolveConfig({ ...base, [StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG]: 'reuse.ktable.source.topics' }).topologyOptimizations]).toEqual(['reuse.ktable.source.topics']);
  });

  it('rejects unknown values with the list of valid ones', () => {
    expect(() => parseTopologyOptimization('reuse.ktable.source.topic')).toThrow(ConfigException);
    expect(() => parseTopologyOptimization('reuse.ktable.source.topic')).toThrow(
      "Config 'topology.optimization' has unrecognized value(s) 'reuse.ktable.source.topic' in 'reuse.ktable.source.topic'. Acceptable values are 'none', 'all' or a comma-separated list of 'reuse.ktable.source.topics', 'merge.repartition.topics', 'single.store.self.join'",
    );
    expect(() => parseTopologyOptimization('')).toThrow(/unrecognized value/);
    expect(() => parseTopologyOptimization(true)).toThrow(/must be a string/);
    expect(() => resolveConfig({ 'application.id': 'app', 'bootstrap.servers': 'embedded://x', 'topology.optimization': 'fast' })).toThrow(ConfigException);
  });

  it("rejects 'none' or 'all' combined with other values, as Kafka does", () => {
    expect(() => parseTopologyOptimization('none,reuse.ktable.source.topics')).toThrow(/'none' and 'all' cannot be combined/);
    expect(() => parseTopologyOptimization('all, reuse.ktable.source.topics')).toThrow(/'none' and 'all' cannot be combined/);
  });

  it("accepts 'merge.repartition.topics', alone or listed with 'reuse.ktable.source.topics'", () => {
    expect([...parseTopologyOptimization(StreamsConfig.MERGE_REPARTITION_TOPICS)]).toEqual(['merge.repartition.topics']);
    expect([...parseTopologyOptimization('reuse.ktable.source.topics, merge.repartition.topics')]).toEqual(['reuse.ktable.source.topics', 'merge.repartition.topics']);
    expect(() => parseTopologyOptimization('none,merge.repartition.topics')).toThrow(/'none' and 'all' cannot be combined/);
  });

  it("accepts 'single.store.self.join', alone or in a list", () => {
    expect([...parseTopologyOptimization(StreamsConfig.SINGLE_STORE_SELF_JOIN)]).toEqual(['single.store.self.join']);
    expect([...parseTopologyOptimization('reuse.ktable.source.topics, single.store.self.join')]).toEqual(['reuse.ktable.source.topics', 'single.store.self.join']);
  });

  it("reads 'all' as every optimization Kafka Streams has", () => {
    expect([...parseTopologyOptimization(StreamsConfig.OPTIMIZE)].sort()).toEqual(['merge.repartition.topics', 'reuse.ktable.source.topics', 'single.store.self.join']);
    expect(new StreamsBuilder().build({ 'topology.optimization': 'all' }).optimizations).toEqual(new Set(['reuse.ktable.source.topics', 'merge.repartition.topics', 'single.store.self.join']));
  });
});

function tableApp(): StreamsBuilder {
  const builder = new StreamsBuilder();
  builder.table('input', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>('t'));
  return builder;
}

const changelogs = (topology: Topology): string[] => topology.metadata('app').internalTopics.filter((t) => t.kind === 'changelog').map((t) => t.name);

describe('StreamsBuilder.build(config) with reuse.ktable.source.topics', () => {
  it('declares no changelog topic for a materialized table: its store restores from the input topic', () => {
    const topology = tableApp().build(REUSE);
    expect(changelogs(topology)).toEqual([]);
    expect(topology.metadata('app').subtopologies[0]?.sourceChangelogTopics).toEqual(['input']);
    const [store] = topology.subtopologyPlan(0, 'app').stores;
    expect(store?.builder.name).toBe('t');
    expect(store?.builder.loggingEnabled).toBe(false);
    expect(store?.changelogTopic).toBe('input');
    expect(store?.sourceTopicChangelog).toBe(true);
  });

  it('without it (or with none) the store has its own changelog topic app-t-changelog', () => {
    for (const topology of [tableApp().build(), tableApp().build({ 'topology.optimization': 'none' })]) {
      expect(changelogs(topology)).toEqual(['app-t-changelog']);
      expect(topology.metadata('app').subtopologies[0]?.sourceChangelogTopics).toBeUndefined();
      expect(topology.subtopologyPlan(0, 'app').stores[0]).toMatchObject({ changelogTopic: 'app-t-changelog', sourceTopicChangelog: false });
    }
  });

  it('leaves describe() unchanged', () => {
    expect(tableApp().build(REUSE).describe().toString()).toBe(tableApp().build().describe().toString());
  });

  it('reuses only table sources: aggregation stores and toTable() keep their changelogs; an unmaterialized table has no store', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('input', Consumed.with(Serdes.String(), Serdes.String()));
    table.groupBy((k, v) => ({ key: v, value: k })).count(Materialized.as('counts'));
    builder.stream<string, string>('events', Consumed.with(Serdes.String(), Serdes.String())).toTable(Materialized.as('latest'));
    const topology = builder.build(REUSE);
    // The table source is materialized by nothing here (groupBy reads no values of it): no store.
    expect(changelogs(topology).sort()).toEqual(['app-counts-changelog', 'app-latest-changelog']);
  });

  it('reuses the input topic of a table materialized because a join reads it', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('address', Consumed.with(Serdes.String(), Serdes.String()));
    builder.stream<string, string>('order', Consumed.with(Serdes.String(), Serdes.String())).join(table, (o, a) => `${o}@${a}`).to('out');
    const topology = builder.build(REUSE);
    expect(changelogs(topology)).toEqual([]);
    const stores = topology.subtopologyPlan(0, 'app').stores;
    expect(stores.map((s) => [s.builder.name, s.changelogTopic, s.sourceTopicChangelog])).toEqual([['address-STATE-STORE-0000000000', 'address', true]]);
  });

  it('records the optimizations on the topology; writing new nodes with others fails', () => {
    const builder = tableApp();
    const topology = builder.build(REUSE);
    expect([...(topology.optimizations ?? [])]).toEqual(['reuse.ktable.source.topics']);
    expect(builder.build(REUSE)).toBe(topology);
    // Nothing new to write: the same topology, still optimized.
    expect(builder.build()).toBe(topology);
    expect([...(topology.optimizations ?? [])]).toEqual(['reuse.ktable.source.topics']);
    builder.table('more', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>('more'));
    expect(() => builder.build()).toThrow(TopologyException);
    expect(() => builder.build()).toThrow(/built with topology.optimization 'reuse.ktable.source.topics': building it again with 'none'/);
    expect(changelogs(builder.build(REUSE))).toEqual([]);
  });

  it('a topology built without the optimization cannot get it by a later build that writes new nodes', () => {
    const builder = tableApp();
    expect(changelogs(builder.build())).toEqual(['app-t-changelog']);
    builder.stream('events').to('sink');
    expect(() => builder.build(REUSE)).toThrow(/built with topology.optimization 'none': building it again with 'reuse.ktable.source.topics'/);
  });
});

describe("topology.optimization=all: the three optimizations together", () => {
  /**
   * A table read from its topic (reuse), a key change feeding a count and a join of the re-keyed
   * stream with itself (merge: one repartition topic for both; self-join: one window store).
   */
  function app(): StreamsBuilder {
    const builder = new StreamsBuilder();
    const prices = builder.table('prices', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>('prices'));
    const byItem = builder.stream('orders', Consumed.with(Serdes.String(), Serdes.String())).selectKey((_k, v) => v.split(':')[0]!);
    byItem.groupByKey().count(Materialized.as('per-item')).toStream().mapValues((n) => String(n)).to('counts', Produced.with(Serdes.String(), Serdes.String()));
    byItem.join(byItem, (a, b) => `${a}+${b}`, JoinWindows.ofTimeDifferenceWithNoGrace(10)).to('pairs', Produced.with(Serdes.String(), Serdes.String()));
    byItem.join(prices, (o, p) => `${o}@${p}`).to('priced', Produced.with(Serdes.String(), Serdes.String()));
    return builder;
  }

  async function run(optimization: string): Promise<{ topics: string[]; out: Record<string, string[]> }> {
    const topology = app().build({ 'topology.optimization': optimization });
    const driver = new TopologyTestDriver(topology, { 'application.id': 'app', 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() }, 0);
    try {
      await driver.createInputTopic('prices', Serdes.String(), Serdes.String()).pipeKeyValueList([{ key: 'apple', value: '3' }, { key: 'pear', value: '5' }]);
      const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.String());
      const times = [0, 4, 9, 15, 16, 40, 41, 3, 60];
      const values = ['apple:1', 'pear:1', 'apple:2', 'apple:3', 'pear:2', 'pear:3', 'apple:4', 'apple:late', 'kiwi:1'];
      for (let i = 0; i < times.length; i++) await orders.pipeInput(`o${i}`, values[i]!, times[i]);
      const out: Record<string, string[]> = {};
      for (const topic of ['counts', 'pairs', 'priced']) {
        out[topic] = driver.createOutputTopic(topic, Serdes.String(), Serdes.String()).readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`);
      }
      const description = topology.describe().toString();
      const topics = [...description.matchAll(/(?:Sink|Source): \S+ \(topics?: \[?([^\])]+)/g)].map((m) => m[1]!).filter((t) => t.includes('repartition') || t.includes('changelog')).sort();
      return { topics, out };
    } finally {
      await driver.close();
    }
  }

  it('gives the same output records, in the same order, as no optimization, with one repartition topic and one join store', async () => {
    const plain = await run('none');
    const all = await run('all');
    expect(all.out).toEqual(plain.out);
    expect(plain.out['pairs']!.length).toBeGreaterThan(4);
    expect(plain.out['counts']).toContain('apple=4@41');
    const text = (o: string): string => app().build({ 'topology.optimization': o }).describe().toString();
    const repartitionSinks = (t: string): number => (t.match(/Sink: .*-repartition/g) ?? []).length;
    const joinStores = (t: string): number => new Set(t.match(/KSTREAM-JOIN(THIS|OTHER)-\d+-store/g) ?? []).size;
    // Without it the count has its own repartition topic and the joins share one (Kafka's repartitionForJoin).
    expect([repartitionSinks(text('none')), joinStores(text('none'))]).toEqual([2, 2]);
    expect([repartitionSinks(text('all')), joinStores(text('all'))]).toEqual([1, 1]);
  });
});
