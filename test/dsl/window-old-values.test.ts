import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/dsl/internal/change.js';
import type { KTableProcessorSupplier } from '../../src/dsl/internal/ktable-processor-supplier.js';
import { KStreamSessionWindowAggregate } from '../../src/dsl/processors/kstream-session-window-aggregate.js';
import { KStreamSlidingWindowAggregate } from '../../src/dsl/processors/kstream-sliding-window-aggregate.js';
import { KStreamWindowAggregate } from '../../src/dsl/processors/kstream-window-aggregate.js';
import { countAggregation, reduceAggregation } from '../../src/dsl/processors/window-aggregation.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import type { Record } from '../../src/processor/record.js';
import { Serdes } from '../../src/serde/serdes.js';
import { CachedSessionStoreBuilder } from '../../src/state/cached-session-store-builder.js';
import type { StateStore } from '../../src/state/state-store.js';
import type { StoreBuilder } from '../../src/state/store-builder.js';
import { Stores } from '../../src/state/stores.js';
import { TimestampedWindowStoreBuilder } from '../../src/state/timestamped-window-store-builder.js';
import type { Windowed } from '../../src/state/windowed.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { Topology } from '../../src/topology/topology.js';
import { windowedKey } from './window-driver.js';

type Seen = [string, unknown, unknown, number, number];

/**
 * Runs an aggregation supplier with old values enabled (as a downstream groupBy or suppress would
 * ask) and captures every `Change` it forwards: key, new, old, timestamp, header count.
 */
async function changesOf<VA>(
  supplier: KTableProcessorSupplier<Windowed<string>, VA>,
  store: StoreBuilder<StateStore>,
  records: Array<[string, string | null, number]>,
): Promise<Seen[]> {
  supplier.enableSendingOldValues(false);
  const seen: Seen[] = [];
  const topology = new Topology()
    .addSource('src', 'in', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .addProcessor('agg', supplier as never, 'src')
    .addStateStore(store, 'agg')
    .addProcessor('capture', () => ({
      process(r: Record<Windowed<string>, Change<VA>>) {
        seen.push([windowedKey(r.key), r.value.newValue, r.value.oldValue, r.timestamp, r.headers.length]);
      },
    }), 'agg');
  await using driver = new TopologyTestDriver(topology, { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.Long() }, 0);
  const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
  for (const [k, v, t] of records) await input.pipeRecord({ key: k, value: v, timestamp: t, headers: [{ key: 'h', value: Buffer.from('x') }] });
  return seen;
}

function windowStore(name: string, size: number, cached: boolean) {
  const builder = new TimestampedWindowStoreBuilder<string, number>(Stores.inMemoryWindowStore(name, 1000, size), Serdes.String(), Serdes.Long());
  return cached ? builder.withCachingEnabled() : builder;
}

describe('old values of windowed aggregations (SEMANTICS §5.2)', () => {
  // Kafka's quirk: an uncached time-windowed count sends the initializer's result (0) as the old
  // value of a window's first update; through the cache the old value is the store's (null).
  it('time windows, uncached: the first update of a window has the initializer as old value', async () => {
    const store = windowStore('w', 10, false);
    const seen = await changesOf(new KStreamWindowAggregate<string, string, number>(TimeWindows.ofSizeWithNoGrace(10), 'w', store, countAggregation()), store, [['a', 'x', 1], ['a', 'x', 2]]);
    // Records keep the input record's headers (Kafka forwards record.withKey/withValue).
    expect(seen).toEqual([['a@0/10', 1, 0, 1, 1], ['a@0/10', 2, 1, 2, 1]]);
  });

  it('time windows, cached: the old value is what the store held before the flush', async () => {
    const store = windowStore('w', 10, true);
    const seen = await changesOf(new KStreamWindowAggregate<string, string, number>(TimeWindows.ofSizeWithNoGrace(10), 'w', store, countAggregation()), store, [['a', 'x', 1], ['a', 'x', 2]]);
    expect(seen).toEqual([['a@0/10', 1, null, 1, 1], ['a@0/10', 2, 1, 2, 1]]);
  });

  it('reduce sends null as the old value of a new window', async () => {
    const store = new TimestampedWindowStoreBuilder<string, string>(Stores.inMemoryWindowStore('r', 1000, 10), Serdes.String(), Serdes.String());
    const seen = await changesOf(new KStreamWindowAggregate<string, string, string>(TimeWindows.ofSizeWithNoGrace(10), 'r', store, reduceAggregation((a, v) => a + v)), store, [['a', 'x', 1], ['a', 'y', 2]]);
    expect(seen).toEqual([['a@0/10', 'x', null, 1, 1], ['a@0/10', 'xy', 'x', 2, 1]]);
  });

  // Sliding windows: a new window's old value is the aggregate it was made from (§5.2); the
  // copied right window has old value null.
  it('sliding windows, uncached: the old value is the aggregate a window was made from', async () => {
    const store = windowStore('s', 10, false);
    const seen = await changesOf(new KStreamSlidingWindowAggregate<string, string, number>(SlidingWindows.ofTimeDifferenceAndGrace(10, 100), 's', store, countAggregation()), store,
      [['a', 'x', 20], ['a', 'x', 25], ['a', 'x', 22]]);
    expect(seen).toEqual([
      ['a@10/20', 1, 0, 20, 1],
      ['a@21/31', 1, 0, 25, 1], ['a@15/25', 2, 1, 25, 1],
      // t=22: [21,31] and [15,25] contain it (updated, newest first); its left window [12,22] is
      // made from [10,20]'s aggregate; its right window [23,33] copies [21,31]'s aggregate as it
      // was before this record (old value null, that aggregate's timestamp).
      ['a@21/31', 2, 1, 25, 1], ['a@15/25', 3, 2, 25, 1], ['a@12/22', 2, 1, 22, 1], ['a@23/33', 1, null, 25, 1],
    ]);
  });

  // Sessions (§4.4): a new session's old value is always null; a retraction carries the removed
  // session's aggregate as old value. Uncached session records carry no headers (Kafka builds new ones).
  it('sessions: retractions carry the old aggregate, new sessions never do', async () => {
    const store = new CachedSessionStoreBuilder<string, number>(Stores.inMemorySessionStore('ss', 1000), Serdes.String(), Serdes.Long());
    const seen = await changesOf(new KStreamSessionWindowAggregate<string, string, number>(SessionWindows.ofInactivityGapAndGrace(5, 100), 'ss', store, countAggregation(), (_k, a, b) => (a as number) + (b as number)), store,
      [['a', 'x', 10], ['a', 'x', 12]]);
    expect(seen).toEqual([['a@10/10', 1, null, 10, 0], ['a@10/10', null, 1, 10, 0], ['a@10/12', 2, null, 12, 0]]);
  });
});
