import { describe, expect, it } from 'vitest';
import { EmitStrategy } from '../../src/dsl/emit-strategy.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import { WindowedRun } from './window-driver.js';

/** Store scans across keys: what the emit passes ran on every record before the index. */
const CROSS_KEY_SCANS = new Set(['all', 'backwardAll', 'fetchAll', 'backwardFetchAll', 'fetchRange', 'backwardFetchRange', 'findSessionsRange', 'backwardFindSessionsRange']);

/** `supplier` whose byte stores count the cross-key scans started on them in `scans`. */
function countingScans<S extends { get(context: never): object }>(supplier: S, scans: { count: number }): S {
  return {
    ...supplier,
    get: (context: never) => {
      const store = supplier.get(context);
      return new Proxy(store, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property, target);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (CROSS_KEY_SCANS.has(String(property))) scans.count++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    },
  };
}

describe('EmitStrategy.onWindowClose() reads closed windows through the index, not by scanning the store per record', () => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

  it.each(['session', 'sliding', 'tumbling'] as const)('%s windows: one store scan (the index built at the first record) for 200 records', async (kind) => {
    const scans = { count: 0 };
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('in').groupByKey();
    let outKeys;
    if (kind === 'session') {
      outKeys = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String());
      grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).emitStrategy(EmitStrategy.onWindowClose())
        .count(Materialized.as<string, number>(countingScans(Stores.persistentSessionStore('counts', 5), scans)).withCachingDisabled())
        .toStream().to('out', Produced.with(outKeys, Serdes.Long()));
    } else {
      const size = kind === 'sliding' ? 5 : 10;
      outKeys = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), size);
      const windows = kind === 'sliding' ? SlidingWindows.ofTimeDifferenceWithNoGrace(5) : TimeWindows.ofSizeWithNoGrace(10);
      grouped.windowedBy(windows).emitStrategy(EmitStrategy.onWindowClose())
        .count(Materialized.as<string, number>(countingScans(Stores.persistentWindowStore('counts', 2 * size, size, false), scans)).withCachingDisabled())
        .toStream().to('out', Produced.with(outKeys, Serdes.Long()));
    }
    await using run = new WindowedRun(builder, outKeys, Serdes.Long());
    let out = 0;
    for (let i = 0; i < 200; i++) out += (await run.pipe(keys[i % keys.length] as string, 'x', i * 2)).length;
    expect(out).toBeGreaterThan(100);
    expect(scans.count).toBe(1);
  });
});
