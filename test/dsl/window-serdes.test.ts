import { describe, expect, it } from 'vitest';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { Serdes } from '../../src/serde/serdes.js';
import { SessionWindow, TimeWindow, Windowed } from '../../src/state/windowed.js';

// Byte layouts of Kafka's TimeWindowedSerializer (key bytes + 8-byte big-endian start) and
// SessionWindowedSerializer (key bytes + 8-byte end + 8-byte start).
describe('WindowedSerdes', () => {
  it('time-windowed keys: key bytes, then the start; the end comes from the window size', () => {
    const serde = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 5000);
    const bytes = serde.serialize('t', new Windowed('ab', new TimeWindow(10_000, 15_000)));
    expect(bytes?.toString('hex')).toBe('6162' + '0000000000002710');
    const back = serde.deserialize('t', bytes);
    expect([back?.key(), back?.window().start(), back?.window().end(), back?.window() instanceof TimeWindow]).toEqual(['ab', 10_000, 15_000, true]);
    expect(serde.serialize('t', null)).toBeNull();
    expect(serde.deserialize('t', null)).toBeNull();
  });

  it('session-windowed keys: key bytes, then the end, then the start', () => {
    const serde = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String());
    const bytes = serde.serialize('t', new Windowed('a', new SessionWindow(10, 12)));
    expect(bytes?.toString('hex')).toBe('61' + '000000000000000c' + '000000000000000a');
    const back = serde.deserialize('t', bytes);
    expect([back?.key(), back?.window().start(), back?.window().end(), back?.window() instanceof SessionWindow]).toEqual(['a', 10, 12, true]);
  });

  it('rejects short input and a non-serde', () => {
    expect(() => WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10).deserialize('t', Buffer.alloc(3))).toThrow(RangeError);
    expect(() => WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String()).deserialize('t', Buffer.alloc(15))).toThrow(RangeError);
    expect(() => WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 0)).toThrow(RangeError);
    expect(() => WindowedSerdes.timeWindowedSerdeFrom(null as never, 10)).toThrow(TypeError);
  });
});
