/**
 * `topology.optimization=reuse.ktable.source.topics` on the real broker, one instance in this
 * process: a materialized `table(input)` creates no `<app>-t-changelog`; after a clean close and
 * a wiped state directory, the restarted instance restores the table from the (compacted) input
 * topic up to the group's committed offsets, then processes the records written while it was
 * down, and interactive queries answer every key with its latest value.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StreamsConfigInput } from '../../src/config.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { StateRestoreListener } from '../../src/runtime/state-restore-listener.js';
import { Serdes } from '../../src/serde/serdes.js';
import { eventually } from '../runtime/runtime-helpers.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';

const KEYS = 500;
const STORE = 'table';

describeWithBroker('reuse.ktable.source.topics on the real broker', () => {
  let input: string;
  let appId: string;
  let stateDir: string;
  const instances: KafkaStreams[] = [];

  beforeAll(async () => {
    input = await createTestTopic('reuse-source-in', { partitions: 3, configs: { 'cleanup.policy': 'compact' } });
    appId = uniqueTopic('reuse-source-app');
    stateDir = await mkdtemp(join(tmpdir(), 'kstreams-reuse-it-'));
  });

  afterAll(async () => {
    for (const streams of instances.splice(0)) await streams.close();
    await rm(stateDir, { recursive: true, force: true });
    await deleteTestTopics([input, `${appId}-${STORE}-changelog`]);
  });

  function instance(): KafkaStreams {
    const config: StreamsConfigInput = {
      'application.id': appId,
      'bootstrap.servers': bootstrapServers(),
      'state.dir': stateDir,
      'commit.interval.ms': 500,
      'topology.optimization': 'reuse.ktable.source.topics',
    };
    const builder = new StreamsBuilder();
    builder.table(input, Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>(STORE));
    const streams = new KafkaStreams(builder.build(config), config);
    instances.push(streams);
    return streams;
  }

  async function send(round: number, keys: number): Promise<void> {
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: input, messages: Array.from({ length: keys }, (_, k) => ({ key: `k${k}`, value: `r${round}-k${k}` })) });
    await producer.disconnect();
  }

  async function table(streams: KafkaStreams): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const store = streams.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore<string, string>()));
    for await (const { key, value } of store.all()) out.set(key, value);
    return out;
  }

  const holds = (m: Map<string, string>, round: (k: number) => number): boolean =>
    m.size === KEYS && Array.from({ length: KEYS }, (_, k) => m.get(`k${k}`) === `r${round(k)}-k${k}`).every(Boolean);

  it('restores from the input topic up to the committed offsets and processes the rest', async () => {
    const first = instance();
    await first.start();
    await send(1, KEYS);
    await send(2, KEYS);
    await eventually(async () => holds(await table(first), () => 2), 60_000, 'first run caught up');
    await first.close();

    const admin = testKafka().admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).filter((t) => t.startsWith(`${appId}-`))).toEqual([]);
      const [committed] = await admin.fetchOffsets({ groupId: appId, topics: [input] });
      const committedTotal = (committed?.partitions ?? []).reduce((n, p) => n + Number(p.offset), 0);
      expect(committedTotal).toBe(2 * KEYS);

      // Written while the application is down: after the committed offsets.
      await send(3, KEYS / 2);
      await rm(join(stateDir, appId), { recursive: true, force: true });

      const ends: number[] = [];
      const listener: StateRestoreListener = {
        onRestoreStart: (tp, store, _from, to) => {
          if (tp.topic === input && store === STORE) ends.push(to);
        },
        onBatchRestored: () => undefined,
        onRestoreEnd: () => undefined,
      };
      const second = instance();
      second.setGlobalStateRestoreListener(listener);
      await second.start();
      await eventually(async () => holds(await table(second), (k) => (k < KEYS / 2 ? 3 : 2)), 60_000, 'restored and caught up');
      // Each partition was restored only up to its committed offset, which sums to the first run's records.
      expect(ends.reduce((a, b) => a + b, 0)).toBe(committedTotal);
      expect((await admin.listTopics()).filter((t) => t.startsWith(`${appId}-`))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
