import { describe, expect, it } from 'vitest';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { BufferConfig, Suppressed } from '../../src/dsl/suppressed.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';

/** `windowsFor(t)` as `[start, end]` pairs, in the order given. */
function windowsFor(windows: TimeWindows, t: number): Array<[number, number]> {
  return [...windows.windowsFor(t).values()].map((w) => [w.start(), w.end()]);
}

describe('TimeWindows', () => {
  // SEMANTICS §2.1 (Kafka's TimeWindows.windowsFor): start0 = floor(max(0, t - S + A) / A) * A,
  // then every A while start <= t; the worked example uses S=10, A=5.
  const vectors: Array<{ rule: string; size: number; advance: number; t: number; expected: Array<[number, number]> }> = [
    { rule: '§2.1 hopping example: t=3 is before size-advance, one window only', size: 10, advance: 5, t: 3, expected: [[0, 10]] },
    { rule: '§2.1 hopping example: t=5 is in two overlapping windows, ascending', size: 10, advance: 5, t: 5, expected: [[0, 10], [5, 15]] },
    { rule: '§2.1 hopping example: t=12', size: 10, advance: 5, t: 12, expected: [[5, 15], [10, 20]] },
    { rule: '§2.1 start inclusive: t on a boundary starts a window', size: 10, advance: 5, t: 10, expected: [[5, 15], [10, 20]] },
    { rule: '§2.1 end exclusive: t=9 is not in [10,20)', size: 10, advance: 5, t: 9, expected: [[0, 10], [5, 15]] },
    { rule: '§2.1 tumbling (A = S): exactly one epoch-aligned window', size: 5000, advance: 5000, t: 12_345, expected: [[10_000, 15_000]] },
    { rule: '§2.1 tumbling at t=0', size: 5000, advance: 5000, t: 0, expected: [[0, 5000]] },
    { rule: '§2.1 no negative starts: S=10, A=3, t=4 has 2 windows instead of ceil(10/3)', size: 10, advance: 3, t: 4, expected: [[0, 10], [3, 13]] },
    { rule: '§2.1 S=10, A=3 far from 0: every window with start in (t-10, t]', size: 10, advance: 3, t: 100, expected: [[93, 103], [96, 106], [99, 109]] },
  ];
  for (const { rule, size, advance, t, expected } of vectors) {
    it(`windowsFor: ${rule}`, () => {
      const windows = advance === size ? TimeWindows.ofSizeWithNoGrace(size) : TimeWindows.ofSizeWithNoGrace(size).advanceBy(advance);
      expect(windowsFor(windows, t)).toEqual(expected);
    });
  }

  it('keeps size, advance and grace; advanceBy copies', () => {
    const tumbling = TimeWindows.ofSizeAndGrace(60_000, 5_000);
    const hopping = tumbling.advanceBy(15_000);
    expect([tumbling.size(), tumbling.advanceMs, tumbling.gracePeriodMs()]).toEqual([60_000, 60_000, 5_000]);
    expect([hopping.size(), hopping.advanceMs, hopping.gracePeriodMs()]).toEqual([60_000, 15_000, 5_000]);
    expect(TimeWindows.ofSizeWithNoGrace(10).gracePeriodMs()).toBe(0);
    expect(hopping.equals(TimeWindows.ofSizeAndGrace(60_000, 5_000).advanceBy(15_000))).toBe(true);
    expect(hopping.equals(tumbling)).toBe(false);
  });

  // Kafka's TimeWindows constructor checks: size > 0, 0 < advance <= size, grace >= 0.
  it('rejects what Kafka rejects, with its messages', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(/Window size \(sizeMs\) must be larger than zero/);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(/Grace period must not be negative/);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(0)).toThrow(/more than zero and less than window duration which is 10 ms, but given advancement interval is: 0 ms/);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(RangeError);
    expect(() => TimeWindows.ofSizeWithNoGrace(1.5)).toThrow(TypeError);
    expect(() => TimeWindows.ofSizeWithNoGrace('10' as unknown as number)).toThrow(TypeError);
  });
});

describe('SlidingWindows, SessionWindows, JoinWindows', () => {
  it('SlidingWindows keep the time difference and grace; reject negative grace and a zero difference', () => {
    const w = SlidingWindows.ofTimeDifferenceAndGrace(5000, 100);
    expect([w.timeDifferenceMs(), w.gracePeriodMs()]).toEqual([5000, 100]);
    expect(SlidingWindows.ofTimeDifferenceWithNoGrace(10).gracePeriodMs()).toBe(0);
    expect(() => SlidingWindows.ofTimeDifferenceAndGrace(10, -1)).toThrow(/grace period must not be negative/);
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(0)).toThrow(RangeError);
  });

  it('SessionWindows keep the gap and grace; reject a gap of zero (Kafka: "Gap time cannot be zero or negative.")', () => {
    const w = SessionWindows.ofInactivityGapAndGrace(30_000, 1_000);
    expect([w.inactivityGap(), w.gracePeriodMs()]).toEqual([30_000, 1_000]);
    expect(() => SessionWindows.ofInactivityGapWithNoGrace(0)).toThrow(/Gap time cannot be zero or negative/);
    expect(() => SessionWindows.ofInactivityGapAndGrace(10, -5)).toThrow(/Grace period must not be negative/);
  });

  // SEMANTICS §9.1, §9.5 (Kafka's JoinWindows).
  it('JoinWindows: before/after copies, size = before + after, the deprecated of() grace', () => {
    const w = JoinWindows.ofTimeDifferenceAndGrace(100, 10);
    expect([w.beforeMs, w.afterMs, w.size(), w.gracePeriodMs(), w.spuriousResultFixEnabled]).toEqual([100, 100, 200, 10, true]);
    const asymmetric = w.before(20).after(300);
    expect([asymmetric.beforeMs, asymmetric.afterMs, asymmetric.size(), w.beforeMs]).toEqual([20, 300, 320, 100]);
    expect(JoinWindows.ofTimeDifferenceWithNoGrace(50).after(-20).size()).toBe(30);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(50).after(-60)).toThrow(/must not be negative/);
    const old = JoinWindows.of(1000);
    expect([old.gracePeriodMs(), old.spuriousResultFixEnabled]).toEqual([24 * 3600 * 1000 - 2000, false]);
  });
});

describe('Suppressed and BufferConfig', () => {
  it('buffer configs: maxRecords/maxBytes emit early, unbounded is strict, copies change one thing', () => {
    const eager = BufferConfig.maxRecords(10);
    expect([eager.maxRecords, eager.maxBytes, eager.bufferFullStrategy, eager.isStrict]).toEqual([10, Infinity, 'EMIT', false]);
    const strict = eager.shutDownWhenFull();
    expect([strict.maxRecords, strict.bufferFullStrategy, strict.isStrict, eager.isStrict]).toEqual([10, 'SHUT_DOWN', true, false]);
    expect(BufferConfig.unbounded().isStrict).toBe(true);
    expect(BufferConfig.maxBytes(100).withMaxRecords(3).withNoBound().maxRecords).toBe(Infinity);
    expect(BufferConfig.unbounded().withLoggingDisabled().loggingEnabled).toBe(false);
    expect(() => BufferConfig.maxRecords(-1)).toThrow(RangeError);
  });

  it('untilWindowCloses needs a strict buffer config; withName names it', () => {
    expect(() => Suppressed.untilWindowCloses(BufferConfig.maxRecords(5))).toThrow(/must be strict/);
    const s = Suppressed.untilWindowCloses(BufferConfig.maxRecords(5).shutDownWhenFull()).withName('final');
    expect([s.kind, s.name, s.timeToWaitForMoreEventsMs]).toEqual(['untilWindowCloses', 'final', undefined]);
    const t = Suppressed.untilTimeLimit<string>(1000, BufferConfig.maxRecords(5).emitEarlyWhenFull());
    expect([t.kind, t.timeToWaitForMoreEventsMs, t.bufferConfig.bufferFullStrategy]).toEqual(['untilTimeLimit', 1000, 'EMIT']);
    expect(() => Suppressed.untilTimeLimit(-1, BufferConfig.unbounded())).toThrow(RangeError);
  });
});
