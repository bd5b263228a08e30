import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTopology, exampleConfig, formatWindowCount, INPUT_TOPIC, STORE_NAME, startExample, WINDOW_SIZE_MS,
} from '../../examples/window-count.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import type { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TimeWindow, Windowed } from '../../src/state/windowed.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { EmbeddedCluster } from './embedded-cluster.js';

describe('examples/window-count.ts', () => {
  it('formats a window count as the seed prints it', () => {
    expect(formatWindowCount(new Windowed('andy', new TimeWindow(5000, 10_000)), 3)).toBe('andy is [5000~10000] count : 3');
  });

  // 5-second tumbling windows (SEMANTICS §2.1); the driver commits after every record, so the
  // record cache forwards each record's update once (§5.3).
  it('prints every update of each key\'s 5-second window count and keeps the counts in counts-5s', async () => {
    const printed: string[] = [];
    await using driver = new TopologyTestDriver(buildTopology((line) => printed.push(line)), exampleConfig(), 0);
    const input = driver.createInputTopic(INPUT_TOPIC, Serdes.String(), Serdes.String());
    await input.pipeInput('andy', 'GET /', 1_000);
    await input.pipeInput('andy', 'GET /a', 4_999);
    await input.pipeInput('bob', 'GET /', 4_000);
    await input.pipeInput('andy', 'GET /b', 5_000);
    await input.pipeInput('bob', 'GET /c', 12_345);
    expect(printed).toEqual([
      'andy is [0~5000] count : 1',
      'andy is [0~5000] count : 2',
      'bob is [0~5000] count : 1',
      'andy is [5000~10000] count : 1',
      'bob is [10000~15000] count : 1',
    ]);
    const store = driver.getTimestampedWindowStore<string, number>(STORE_NAME);
    const andy = [];
    for await (const { key, value } of store.fetch('andy', 0, 20_000)) andy.push([key, value.value, value.timestamp]);
    expect(andy).toEqual([[0, 2, 4_999], [5_000, 1, 5_000]]);
  });

  // Names by SEMANTICS §13.1: a named store draws no index; aggregate, toStream, foreach follow.
  it('describes its topology', () => {
    expect(buildTopology().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [test_log])\n' +
      '      --> KSTREAM-AGGREGATE-0000000001\n' +
      '    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [counts-5s])\n' +
      '      --> KTABLE-TOSTREAM-0000000002\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KTABLE-TOSTREAM-0000000002 (stores: [])\n' +
      '      --> KSTREAM-FOREACH-0000000003\n' +
      '      <-- KSTREAM-AGGREGATE-0000000001\n' +
      '    Processor: KSTREAM-FOREACH-0000000003 (stores: [])\n' +
      '      --> none\n' +
      '      <-- KTABLE-TOSTREAM-0000000002\n\n',
    );
  });
});

describe('examples/window-count.ts run with KafkaStreams (embedded backend), two instances', () => {
  let cluster: EmbeddedCluster;
  let stateDirs: string[] = [];
  beforeEach(async () => {
    cluster = new EmbeddedCluster();
    await cluster.start([{ name: INPUT_TOPIC, partitions: 3 }]);
    stateDirs = [await mkdtemp(join(tmpdir(), 'window-count-')), await mkdtemp(join(tmpdir(), 'window-count-'))];
  });
  afterEach(async () => {
    await cluster.stop();
    for (const dir of stateDirs) await rm(dir, { recursive: true, force: true });
  });

  /** Every (key, window start) → count the instances' stores hold, read through interactive queries. */
  async function storedCounts(instances: readonly KafkaStreams[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const streams of instances) {
      const store = streams.store(StoreQueryParameters.fromNameAndType(STORE_NAME, QueryableStoreTypes.windowStore<string, number>()));
      for await (const { key, value } of store.all()) counts.set(`${key.key()}@${key.window().start()}`, value);
    }
    return counts;
  }

  it('every window count in the stores equals the count computed from the input', async () => {
    // 3,000 records, 12 keys, timestamps ascending over 20 windows: no record is late.
    const records = Array.from({ length: 3_000 }, (_, i) => ({ key: `user-${(i * 7) % 12}`, value: `line ${i}`, timestamp: 1_000_000 + i * 33 }));
    const expected = new Map<string, number>();
    for (const r of records) {
      const window = `${r.key}@${Math.floor(r.timestamp / WINDOW_SIZE_MS) * WINDOW_SIZE_MS}`;
      expected.set(window, (expected.get(window) ?? 0) + 1);
    }
    expect(new Set([...expected.keys()].map((k) => k.split('@')[1])).size).toBe(20);
    const producer = cluster.client.producer();
    await producer.connect();
    await producer.send(records.map((r) => ({ topic: INPUT_TOPIC, key: Buffer.from(r.key), value: Buffer.from(r.value), timestamp: r.timestamp })));
    await producer.disconnect();

    const printed: string[] = [];
    const config = (i: number) => exampleConfig({ 'bootstrap.servers': cluster.bootstrapServers, 'commit.interval.ms': 100, 'state.dir': stateDirs[i] as string });
    const instances = [
      await startExample(config(0), buildTopology((line) => printed.push(line))),
      await startExample(config(1), buildTopology((line) => printed.push(line))),
    ];
    try {
      // Queries throw a retriable error while a task restores or the group rebalances.
      const deadline = Date.now() + 30_000;
      let counts = new Map<string, number>();
      while ([...counts.values()].reduce((a, b) => a + b, 0) < records.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        counts = await storedCounts(instances).catch(() => new Map<string, number>());
      }
      expect(new Map([...counts].sort())).toEqual(new Map([...expected].sort()));
    } finally {
      // A clean close commits: the record caches flush their last updates, which are printed.
      for (const streams of instances) await streams.close();
    }
    // Each window's last printed count is its final count.
    const lastPrinted = new Map<string, number>();
    for (const line of printed) {
      const [, key, start, n] = /^(\S+) is \[(\d+)~\d+\] count : (\d+)$/.exec(line) ?? [];
      lastPrinted.set(`${key}@${start}`, Number(n));
    }
    expect(new Map([...lastPrinted].sort())).toEqual(new Map([...expected].sort()));
  }, 60_000);
});
