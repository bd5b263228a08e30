import { describe, expect, it } from 'vitest';
import { SessionWindow, TimeWindow, Windowed } from '../../src/state/windowed.js';

describe('Window, TimeWindow and SessionWindow', () => {
  it('expose start and end as milliseconds and as Dates', () => {
    const window = new TimeWindow(1_700_000_000_000, 1_700_000_005_000);
    expect([window.start(), window.end()]).toEqual([1_700_000_000_000, 1_700_000_005_000]);
    expect(window.startTime()).toEqual(new Date(1_700_000_000_000));
    expect(window.endTime().toISOString()).toBe('2023-11-14T22:13:25.000Z');
    expect(String(window)).toBe('Window{start=1700000000000, end=1700000005000}');
  });

  it('reject what Kafka Streams rejects: negative starts, ends before starts, empty time windows', () => {
    expect(() => new TimeWindow(-1, 5)).toThrow(RangeError);
    expect(() => new TimeWindow(5, 4)).toThrow(RangeError);
    expect(() => new TimeWindow(5, 5)).toThrow(/greater than its start/);
    expect(() => new SessionWindow(-1, 0)).toThrow(RangeError);
    expect(() => new SessionWindow(5, 4)).toThrow(RangeError);
    expect(() => new SessionWindow(1.5, 4)).toThrow(RangeError);
    expect(new SessionWindow(5, 5).end()).toBe(5);
  });

  it('TimeWindow excludes its end when overlapping: [0, 10) and [10, 20) do not overlap', () => {
    expect(new TimeWindow(0, 10).overlap(new TimeWindow(10, 20))).toBe(false);
    expect(new TimeWindow(0, 10).overlap(new TimeWindow(9, 20))).toBe(true);
    expect(new TimeWindow(5, 15).overlap(new TimeWindow(0, 6))).toBe(true);
  });

  it('SessionWindow includes both ends: [0, 10] and [10, 20] overlap', () => {
    expect(new SessionWindow(0, 10).overlap(new SessionWindow(10, 20))).toBe(true);
    expect(new SessionWindow(0, 10).overlap(new SessionWindow(11, 20))).toBe(false);
    expect(new SessionWindow(5, 5).overlap(new SessionWindow(0, 5))).toBe(true);
  });

  it('compares only windows of one kind', () => {
    expect(() => new TimeWindow(0, 10).overlap(new SessionWindow(0, 10))).toThrow(TypeError);
    expect(new TimeWindow(0, 10).equals(new TimeWindow(0, 10))).toBe(true);
    expect(new TimeWindow(0, 10).equals(new SessionWindow(0, 10))).toBe(false);
    expect(new SessionWindow(0, 10).equals(new SessionWindow(0, 11))).toBe(false);
  });
});

describe('Windowed', () => {
  it('carries a key and its window, printed as Kafka Streams prints it', () => {
    const windowed = new Windowed('andy', new TimeWindow(0, 5000));
    expect(windowed.key()).toBe('andy');
    expect(windowed.window().end()).toBe(5000);
    expect(windowed.toString()).toBe('[andy@0/5000]');
  });

  it('equals a Windowed of an equal key (bytes for Buffers) and an equal window', () => {
    const w = new SessionWindow(1, 2);
    expect(new Windowed(Buffer.from('k'), w).equals(new Windowed(Buffer.from('k'), new SessionWindow(1, 2)))).toBe(true);
    expect(new Windowed(Buffer.from('k'), w).equals(new Windowed(Buffer.from('j'), w))).toBe(false);
    expect(new Windowed(1, w).equals(new Windowed(1, new SessionWindow(1, 3)))).toBe(false);
    expect(new Windowed(Number.NaN, w).equals(new Windowed(Number.NaN, w))).toBe(true);
    expect(new Windowed('k', w).equals('k')).toBe(false);
  });
});
