import type { Logger } from 'pino';
import type { TopicPartition } from '../kafka/port.js';
import type { StateRestoreListener } from './state-restore-listener.js';

/** Where the progress line is drawn: a terminal stream (`process.stderr` when it is a TTY). */
export interface ProgressTerminal {
  write(text: string): unknown;
}

export interface RestorationProgressOptions {
  readonly log: Logger;
  /** Wall-clock time in ms. */
  readonly clock: () => number;
  /** Draw a progress line here (redrawn in place); when undefined, progress goes to the log. */
  readonly terminal?: ProgressTerminal | undefined;
  /** How often progress is logged when there is no terminal (ms). */
  readonly logIntervalMs?: number;
  /** How often the terminal line is redrawn at most (ms). */
  readonly redrawIntervalMs?: number;
}

/** The whole client's restoration at one moment (every changelog partition still being restored, plus those finished since it began). */
export interface RestorationSnapshot {
  /** Records applied so far. */
  readonly restored: number;
  /**
   * Records to apply in all: the offset span of each partition when it started (compaction and
   * transaction markers make it an upper bound), replaced by the exact count once a partition ends.
   */
  readonly total: number;
  /** Changelog partitions still restoring. */
  readonly partitions: number;
  /** Records per second since the restoration began. */
  readonly rate: number;
  /** Estimated time left (ms), undefined before any record was restored. */
  readonly etaMs: number | undefined;
}

interface PartitionProgress {
  total: number;
  restored: number;
}

const key = (tp: TopicPartition, store: string): string => `${store}\u0000${tp.topic}\u0000${tp.partition}`;

/**
 * Restoration progress for operators, built on the restore listener: on a terminal a single line
 * (`restoring 3 changelog partitions: 412,000 / 1,000,000 records (41%), 95,300 records/s, ETA 6 s`)
 * redrawn in place; otherwise a structured `restoration in progress` log event every
 * `logIntervalMs` (5 s) with `restored`, `total`, `rate` and `etaMs`, which log pipelines can
 * chart. One instance per client aggregates all its threads and the global thread.
 */
export class RestorationProgress implements StateRestoreListener {
  readonly #o: RestorationProgressOptions;
  readonly #active = new Map<string, PartitionProgress>();
  /** Restored and total of the partitions that finished during the current restoration. */
  #finishedRestored = 0;
  #finishedTotal = 0;
  #startedAt = 0;
  #lastReport = 0;
  #lineDrawn = false;

  constructor(options: RestorationProgressOptions) {
    this.#o = options;
  }

  onRestoreStart(tp: TopicPartition, storeName: string, startingOffset: number, endingOffset: number): void {
    if (this.#active.size === 0) {
      this.#finishedRestored = 0;
      this.#finishedTotal = 0;
      this.#startedAt = this.#o.clock();
      this.#lastReport = this.#startedAt;
    }
    this.#active.set(key(tp, storeName), { total: Math.max(0, endingOffset - startingOffset), restored: 0 });
  }

  onBatchRestored(tp: TopicPartition, storeName: string, _batchEndOffset: number, numRestored: number): void {
    const p = this.#active.get(key(tp, storeName));
    if (p === undefined) return;
    p.restored += numRestored;
    const now = this.#o.clock();
    const interval = this.#o.terminal !== undefined ? (this.#o.redrawIntervalMs ?? 250) : (this.#o.logIntervalMs ?? 5_000);
    if (now - this.#lastReport >= interval) {
      this.#lastReport = now;
      this.#report(now);
    }
  }

  onRestoreEnd(tp: TopicPartition, storeName: string, totalRestored: number): void {
    this.#finish(key(tp, storeName), totalRestored);
  }

  onRestoreSuspended(tp: TopicPartition, storeName: string, totalRestored: number): void {
    this.#finish(key(tp, storeName), totalRestored);
  }

  /** The restoration now (all zero when nothing restores and nothing did since the last one ended). */
  snapshot(): RestorationSnapshot {
    const now = this.#o.clock();
    let restored = this.#finishedRestored;
    let total = this.#finishedTotal;
    for (const p of this.#active.values()) {
      restored += p.restored;
      total += Math.max(p.total, p.restored);
    }
    const seconds = (now - this.#startedAt) / 1_000;
    const rate = seconds > 0 ? restored / seconds : 0;
    const etaMs = rate > 0 ? Math.round(((total - restored) / rate) * 1_000) : undefined;
    return { restored, total, partitions: this.#active.size, rate, etaMs };
  }

  #finish(k: string, totalRestored: number): void {
    const p = this.#active.get(k);
    if (p === undefined) return;
    this.#active.delete(k);
    // A finished partition counts what it really restored: the offset span overestimated it.
    this.#finishedRestored += totalRestored;
    this.#finishedTotal += totalRestored;
    if (this.#active.size > 0) return;
    const now = this.#o.clock();
    if (this.#o.terminal !== undefined) {
      if (this.#lineDrawn) {
        this.#o.terminal.write(`\r\x1b[2K${formatProgressLine(this.snapshot(), now - this.#startedAt)}\n`);
        this.#lineDrawn = false;
      }
    } else if (now - this.#startedAt >= (this.#o.logIntervalMs ?? 5_000)) {
      // Only restorations long enough to have been reported get a closing event.
      const s = this.snapshot();
      this.#o.log.info({ restored: s.restored, ms: now - this.#startedAt, rate: Math.round(s.rate) }, 'restoration finished');
    }
  }

  #report(now: number): void {
    const s = this.snapshot();
    if (this.#o.terminal !== undefined) {
      this.#o.terminal.write(`\r\x1b[2K${formatProgressLine(s, undefined)}`);
      this.#lineDrawn = true;
    } else {
      this.#o.log.info({ restored: s.restored, total: s.total, partitions: s.partitions, rate: Math.round(s.rate), etaMs: s.etaMs, elapsedMs: now - this.#startedAt }, 'restoration in progress');
    }
  }
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `3m 05s`, `12 s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1_000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The terminal line: while running with the ETA, once done (`doneAfterMs`) with the time it took. */
export function formatProgressLine(s: RestorationSnapshot, doneAfterMs: number | undefined): string {
  const percent = s.total > 0 ? Math.min(100, Math.floor((s.restored / s.total) * 100)) : 100;
  const counts = `${number.format(s.restored)} / ${number.format(s.total)} records (${percent}%), ${number.format(s.rate)} records/s`;
  if (doneAfterMs !== undefined) return `restored ${counts}, done in ${formatDuration(doneAfterMs)}`;
  const eta = s.etaMs === undefined ? 'ETA unknown' : `ETA ${formatDuration(s.etaMs)}`;
  return `restoring ${s.partitions} changelog partition${s.partitions === 1 ? '' : 's'}: ${counts}, ${eta}`;
}
