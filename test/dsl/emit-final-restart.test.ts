import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmitStrategy } from '../../src/dsl/emit-strategy.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Serde } from '../../src/serde/serde.js';
import { Stores } from '../../src/state/stores.js';
import type { Windowed } from '../../src/state/windowed.js';
import type { Topology } from '../../src/topology/topology.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';

type Kind = 'session' | 'sliding' | 'tumbling';

/**
 * `in` counted per window with `EmitStrategy.onWindowClose()` to `final`: in a persistent (LevelDB)
 * store, which a restart reopens from the state directory, or an in-memory one, which it restores
 * from the changelog.
 */
function topology(kind: Kind, persistent: boolean): { topology: Topology; keys: Serde<Windowed<string>> } {
  const builder = new StreamsBuilder();
  const grouped = builder.stream<string, string>('in').groupByKey();
  if (kind === 'session') {
    const keys = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String());
    grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).emitStrategy(EmitStrategy.onWindowClose())
      .count(Materialized.as<string, number>(persistent ? 'counts' : Stores.inMemorySessionStore('counts', 5)))
      .toStream().to('final', Produced.with(keys, Serdes.Long()));
    return { topology: builder.build(), keys };
  }
  const keys = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), kind === 'sliding' ? 5 : 10);
  const windowed = kind === 'sliding'
    ? grouped.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(5))
    : grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10));
  // The default retention: 2 * D + grace (sliding), size + grace (tumbling).
  const store = kind === 'sliding' ? Stores.inMemoryWindowStore('counts', 10, 5) : Stores.inMemoryWindowStore('counts', 10, 10);
  windowed.emitStrategy(EmitStrategy.onWindowClose())
    .count(Materialized.as<string, number>(persistent ? 'counts' : store))
    .toStream().to('final', Produced.with(keys, Serdes.Long()));
  return { topology: builder.build(), keys };
}

/** Per kind: input before the restart and its results, input after it and the results then (the last one closed by the second run's own records). */
const cases: ReadonlyArray<[Kind, Array<[string, number]>, string[], Array<[string, number]>, string[]]> = [
  // C's session [10,10] is open when the first run stops (close time 5); D@30 closes it, E@60 closes D's.
  ['session', [['A', 1], ['B', 3], ['C', 10]], ['A@1/1=1', 'B@3/3=1'], [['D', 30], ['E', 60]], ['C@10/10=1', 'D@30/30=1']],
  // A's windows [7,12] and [11,16] are open when the first run stops (close time 12); B@40 closes them,
  // C@60 closes B's. The closed [5,10], still in the store, does not come out again: the restarted
  // task reads the last emitted close time back from its commit metadata (see emit-final-throttle.ts).
  ['sliding', [['A', 10], ['A', 12]], ['A@5/10=1'], [['B', 40], ['C', 60]], ['A@7/12=2', 'A@11/16=1', 'B@35/40=1']],
  // A's window [10,20) is open when the first run stops (close time 12); B@25 closes it, C@45 closes B's.
  ['tumbling', [['A', 1], ['B', 5], ['A', 12]], ['A@0/10=1', 'B@0/10=1'], [['B', 25], ['C', 45]], ['A@10/20=1', 'B@20/30=1']],
];

describe('EmitStrategy.onWindowClose() after a restart emits the windows of the restored store as they close (KafkaStreams, embedded backend)', () => {
  let cluster: EmbeddedCluster;
  let stateDir: string;
  beforeEach(async () => {
    cluster = new EmbeddedCluster();
    await cluster.start([{ name: 'in', partitions: 1 }, { name: 'final', partitions: 1 }]);
    stateDir = await mkdtemp(join(tmpdir(), 'emit-final-restart-'));
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

  async function start(topology: Topology): Promise<KafkaStreams> {
    const streams = new KafkaStreams(topology, {
      'application.id': 'emit-final-restart', 'bootstrap.servers': cluster.bootstrapServers, 'state.dir': stateDir,
      'commit.interval.ms': 50, 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String(),
      // An emit pass after every record, as under the TopologyTestDriver.
      '__emit.interval.ms.kstreams.windowed.aggregation__': 0,
    });
    await streams.start();
    return streams;
  }

  describe.each([true, false])('persistent store %s', (persistent) => {
    it.each(cases)('%s windows', async (kind, before, firstResults, after, secondResults) => {
      const { keys } = topology(kind, persistent);
      const decode = (r: { key: Buffer | null; value: Buffer | null }): string => {
        const key = keys.deserialize('final', r.key);
        return `${key?.key()}@${key?.window().start()}/${key?.window().end()}=${Serdes.Long().deserialize('final', r.value)}`;
      };
      await produce(before);
      const first = await start(topology(kind, persistent).topology);
      await cluster.readUntil('final', (r) => r.length >= firstResults.length);
      await first.close();
      expect((await cluster.read('final')).map(decode)).toEqual(firstResults);

      await produce(after);
      const second = await start(topology(kind, persistent).topology);
      try {
        const all = await cluster.readUntil('final', (r) => r.map(decode).includes(secondResults.at(-1) as string));
        expect(all.map(decode)).toEqual([...firstResults, ...secondResults]);
      } finally {
        await second.close();
      }
    }, 60_000);
  });
});
