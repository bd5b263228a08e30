import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { BufferConfig, Suppressed } from '../../src/dsl/suppressed.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import type { Topology } from '../../src/topology/topology.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';

const DAY = 24 * 3600 * 1000;

/**
 * In-memory window and session stores and a suppression buffer: nothing survives a restart on
 * disk, so after one everything must come back from the changelog topics the layers wrote.
 */
function topology(): Topology {
  const builder = new StreamsBuilder();
  const grouped = builder.stream<string, string>('in').groupByKey();
  const counts = grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .count(Materialized.as<string, number>(Stores.inMemoryWindowStore('counts', DAY, 10)));
  counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('final'))
    .toStream().to('final', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long()));
  grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(5, DAY))
    .count(Materialized.as<string, number>(Stores.inMemorySessionStore('sessions', DAY)));
  return builder.build();
}

describe('windowed state survives a restart through its changelogs (KafkaStreams, embedded backend)', () => {
  let cluster: EmbeddedCluster;
  let stateDir: string;
  beforeEach(async () => {
    cluster = new EmbeddedCluster();
    await cluster.start([{ name: 'in', partitions: 1 }, { name: 'final', partitions: 1 }]);
    stateDir = await mkdtemp(join(tmpdir(), 'window-restore-'));
  });
  afterEach(async () => {
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  async function produce(records: Array<[string, number]>): Promise<void> {
    const producer = cluster.client.producer();
    await producer.connect();
    await producer.send(records.map(([key, timestamp]) => ({ topic: 'in', key: Buffer.from(key), value: Buffer.from('x'), timestamp })));
    await producer.disconnect();
  }

  async function start(): Promise<KafkaStreams> {
    const streams = new KafkaStreams(topology(), {
      'application.id': 'window-restore', 'bootstrap.servers': cluster.bootstrapServers, 'state.dir': stateDir,
      'commit.interval.ms': 50, 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String(),
    });
    await streams.start();
    return streams;
  }

  /** Polls the stores (queries fail while restoring) until `done` holds. */
  async function read(streams: KafkaStreams, done: (windows: string[], sessions: string[]) => boolean): Promise<[string[], string[]]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const windows: string[] = [];
        for await (const { key, value } of streams.store(StoreQueryParameters.fromNameAndType('counts', QueryableStoreTypes.windowStore<string, number>())).all()) {
          windows.push(`${key.key()}@${key.window().start()}=${value}`);
        }
        const sessions: string[] = [];
        for await (const { key, value } of streams.store(StoreQueryParameters.fromNameAndType('sessions', QueryableStoreTypes.sessionStore<string, number>())).fetchRange(undefined, undefined)) {
          sessions.push(`${key.key()}@${key.window().start()}/${key.window().end()}=${value}`);
        }
        if (done(windows, sessions)) return [windows, sessions];
      } catch {
        // retriable: restoring or rebalancing
      }
      if (Date.now() > deadline) throw new Error('stores did not reach the expected state');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('restores window and session stores and the suppression buffer, then continues from them', async () => {
    await produce([['A', 1], ['A', 4], ['B', 5], ['A', 12]]);
    const first = await start();
    const before = await read(first, (w) => w.includes('A@10=1'));
    await first.close();
    expect(before).toEqual([['A@0=2', 'A@10=1', 'B@0=1'], ['A@1/4=2', 'A@12/12=1', 'B@5/5=1']]);
    // [0,10) closed at stream time 12: emitted once, before the restart.
    const finalBefore = await cluster.readUntil('final', (r) => r.length >= 2);

    await produce([['A', 15], ['B', 21]]);
    const second = await start();
    try {
      const after = await read(second, (w) => w.includes('B@20=1'));
      // Counts continue from the restored windows and sessions (A@[10,20) 1 → 2; A's session 12 → [12,15]).
      expect(after).toEqual([['A@0=2', 'A@10=2', 'B@0=1', 'B@20=1'], ['A@1/4=2', 'A@12/15=2', 'B@5/5=1', 'B@21/21=1']]);
      // The restored buffer still holds A@[10,20) and releases it, once, when B@21 closes it.
      const final = await cluster.readUntil('final', (r) => r.length >= 3);
      const keys = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10);
      const decode = (r: { key: Buffer | null; value: Buffer | null }) => {
        const key = keys.deserialize('final', r.key);
        return `${key?.key()}@${key?.window().start()}=${Serdes.Long().deserialize('final', r.value)}`;
      };
      expect(finalBefore.map(decode)).toEqual(['A@0=2', 'B@0=1']);
      expect(final.map(decode)).toEqual(['A@0=2', 'B@0=1', 'A@10=2']);
    } finally {
      await second.close();
    }
  }, 60_000);
});
