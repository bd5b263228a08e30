/**
 * Restoration progress built on the restore listener: a line redrawn in place on a terminal, and
 * `restoration in progress` log events carrying restored / total / rate / ETA otherwise.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgressLine, RestorationProgress } from '../../src/runtime/restoration-progress.js';

const A = { topic: 'app-a-changelog', partition: 0 };
const B = { topic: 'app-b-changelog', partition: 1 };

function capturedLog(): { log: pino.Logger; events: Record<string, unknown>[] } {
  const events: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') events.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), events };
}

describe('RestorationProgress', () => {
  it('logs restored, total, rate and ETA every interval when there is no terminal, and a closing event', async () => {
    let now = 1_000_000;
    const { log, events } = capturedLog();
    const progress = new RestorationProgress({ log, clock: () => now, logIntervalMs: 5_000 });
    progress.onRestoreStart(A, 'a', 0, 100_000);
    progress.onRestoreStart(B, 'b', 500, 50_500);
    now += 2_000;
    progress.onBatchRestored(A, 'a', 9_999, 10_000);
    expect(events).toHaveLength(0); // not yet 5 s
    now += 3_000;
    progress.onBatchRestored(B, 'b', 20_499, 20_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toHaveLength(1);
    // 30,000 of 150,000 in 5 s: 6,000/s, 120,000 left: 20 s.
    expect(events[0]).toMatchObject({ msg: 'restoration in progress', restored: 30_000, total: 150_000, partitions: 2, rate: 6_000, etaMs: 20_000, elapsedMs: 5_000 });
    expect(progress.snapshot()).toEqual({ restored: 30_000, total: 150_000, partitions: 2, rate: 6_000, etaMs: 20_000 });

    // A partition that ends counts what it really restored (compaction made its span an overestimate).
    now += 1_000;
    progress.onRestoreEnd(B, 'b', 20_000);
    expect(progress.snapshot()).toMatchObject({ restored: 30_000, total: 120_000, partitions: 1 });
    now += 4_000;
    progress.onBatchRestored(A, 'a', 99_999, 90_000);
    progress.onRestoreEnd(A, 'a', 100_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.map((e) => e['msg'])).toEqual(['restoration in progress', 'restoration in progress', 'restoration finished']);
    expect(events[2]).toMatchObject({ restored: 120_000, ms: 10_000, rate: 12_000 });
    expect(progress.snapshot()).toMatchObject({ restored: 120_000, total: 120_000, partitions: 0, etaMs: 0 });
  });

  it('draws one line on a terminal, redrawn in place, and ends it with the time taken', () => {
    let now = 0;
    let screen = '';
    const { log, events } = capturedLog();
    const progress = new RestorationProgress({ log, clock: () => now, terminal: { write: (text: string) => { screen += text; } }, redrawIntervalMs: 250 });
    progress.onRestoreStart(A, 'a', 0, 1_000);
    now = 100;
    progress.onBatchRestored(A, 'a', 99, 100);
    expect(screen).toBe(''); // throttled
    now = 500;
    progress.onBatchRestored(A, 'a', 499, 400);
    now = 1_000;
    progress.onBatchRestored(A, 'a', 999, 500);
    progress.onRestoreEnd(A, 'a', 1_000);
    const frames = screen.split('\r\x1b[2K').filter((f) => f !== '');
    expect(frames).toEqual([
      'restoring 1 changelog partition: 500 / 1,000 records (50%), 1,000 records/s, ETA 1 s',
      'restoring 1 changelog partition: 1,000 / 1,000 records (100%), 1,000 records/s, ETA 0 s',
      'restored 1,000 / 1,000 records (100%), 1,000 records/s, done in 1 s\n',
    ]);
    expect(events).toEqual([]);
  });

  it('a suspended partition (task closed mid-restore) leaves the restoration', () => {
    let now = 0;
    const { log } = capturedLog();
    const progress = new RestorationProgress({ log, clock: () => now });
    progress.onRestoreStart(A, 'a', 0, 1_000);
    progress.onRestoreStart(B, 'b', 0, 1_000);
    now = 1_000;
    progress.onBatchRestored(A, 'a', 99, 100);
    progress.onRestoreSuspended(A, 'a', 100);
    expect(progress.snapshot()).toMatchObject({ restored: 100, total: 1_100, partitions: 1 });
  });

  it('formats durations and an unknown ETA', () => {
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_780_000)).toBe('1h 03m');
    expect(formatProgressLine({ restored: 0, total: 10, partitions: 2, rate: 0, etaMs: undefined }, undefined)).toBe('restoring 2 changelog partitions: 0 / 10 records (0%), 0 records/s, ETA unknown');
  });
});
