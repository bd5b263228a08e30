import type { Windowed } from '../state/windowed.js';
import { describeValue } from './internal/arguments.js';
import { validateName } from './named.js';

/** What a full suppression buffer does (Kafka's `BufferFullStrategy`). */
export type BufferFullStrategy = 'EMIT' | 'SHUT_DOWN';

function checkLimit(operator: string, what: string, limit: unknown): number {
  if (typeof limit !== 'number' || !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new RangeError(`${operator}: ${what} must be a non-negative integer, but got: ${describeValue(limit)}`);
  }
  return limit;
}

/**
 * How much a `suppress()` buffer may hold and what happens when it is full (Kafka's
 * `Suppressed.BufferConfig`). Limits count buffered keys (`maxRecords`) and their estimated bytes
 * (`maxBytes`); `Infinity` is no limit. When a limit is exceeded the buffer either emits its
 * oldest entries early (`emitEarlyWhenFull`, the default of `maxRecords`/`maxBytes`) or stops the
 * application with a `StreamsException` (`shutDownWhenFull`, the default of `unbounded`). A
 * *strict* config (one that shuts down rather than emit early) is what `untilWindowCloses`
 * requires, as it promises one result per window. The buffer writes a changelog topic unless
 * `withLoggingDisabled()`. Immutable.
 *
 * @example BufferConfig.maxRecords(10_000).emitEarlyWhenFull()
 * @example BufferConfig.maxBytes(1 << 20).shutDownWhenFull()
 */
export class BufferConfig {
  private constructor(
    readonly maxRecords: number,
    readonly maxBytes: number,
    readonly bufferFullStrategy: BufferFullStrategy,
    readonly loggingEnabled: boolean,
    readonly logConfig: Readonly<Record<string, string>>,
  ) {}

  /** At most `recordLimit` keys; emits the oldest early when over. */
  static maxRecords(recordLimit: number): BufferConfig {
    return new BufferConfig(checkLimit('BufferConfig.maxRecords()', 'recordLimit', recordLimit), Infinity, 'EMIT', true, {});
  }

  /** At most `byteLimit` estimated bytes; emits the oldest early when over. */
  static maxBytes(byteLimit: number): BufferConfig {
    return new BufferConfig(Infinity, checkLimit('BufferConfig.maxBytes()', 'byteLimit', byteLimit), 'EMIT', true, {});
  }

  /** No limit (memory permitting); strict. */
  static unbounded(): BufferConfig {
    return new BufferConfig(Infinity, Infinity, 'SHUT_DOWN', true, {});
  }

  /** A copy with a key limit. */
  withMaxRecords(recordLimit: number): BufferConfig {
    return this.#copy({ maxRecords: checkLimit('BufferConfig.withMaxRecords()', 'recordLimit', recordLimit) });
  }

  /** A copy with a byte limit. */
  withMaxBytes(byteLimit: number): BufferConfig {
    return this.#copy({ maxBytes: checkLimit('BufferConfig.withMaxBytes()', 'byteLimit', byteLimit) });
  }

  /** A copy without limits; strict. */
  withNoBound(): BufferConfig {
    return this.#copy({ maxRecords: Infinity, maxBytes: Infinity, bufferFullStrategy: 'SHUT_DOWN' });
  }

  /** A copy that stops the application when a limit is exceeded; strict. */
  shutDownWhenFull(): BufferConfig {
    return this.#copy({ bufferFullStrategy: 'SHUT_DOWN' });
  }

  /** A copy that emits the oldest entries early when a limit is exceeded. */
  emitEarlyWhenFull(): BufferConfig {
    return this.#copy({ bufferFullStrategy: 'EMIT' });
  }

  /** A copy whose buffer writes no changelog topic (its content is lost on restart). */
  withLoggingDisabled(): BufferConfig {
    return this.#copy({ loggingEnabled: false, logConfig: {} });
  }

  /** A copy whose buffer writes a changelog topic with these extra topic configs (the default, with none). */
  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): BufferConfig {
    if (typeof config !== 'object' || config === null) {
      throw new TypeError(`BufferConfig.withLoggingEnabled(): config must be an object of topic configs, but got: ${describeValue(config)}`);
    }
    return this.#copy({ loggingEnabled: true, logConfig: { ...config } });
  }

  /** True when the buffer never emits early (Kafka's `StrictBufferConfig`). */
  get isStrict(): boolean {
    return this.bufferFullStrategy === 'SHUT_DOWN';
  }

  #copy(changes: Partial<Pick<BufferConfig, 'maxRecords' | 'maxBytes' | 'bufferFullStrategy' | 'loggingEnabled' | 'logConfig'>>): BufferConfig {
    return new BufferConfig(
      changes.maxRecords ?? this.maxRecords,
      changes.maxBytes ?? this.maxBytes,
      changes.bufferFullStrategy ?? this.bufferFullStrategy,
      changes.loggingEnabled ?? this.loggingEnabled,
      changes.logConfig ?? this.logConfig,
    );
  }
}

/**
 * How `KTable.suppress()` holds back updates (Kafka's `Suppressed`):
 *
 * - `untilWindowCloses(bufferConfig)`: on a windowed aggregation's table, emits each window once,
 *   with its final value, after stream time passes the window's end plus grace (SEMANTICS §5.5);
 *   deletes are not emitted. Needs a strict buffer config.
 * - `untilTimeLimit(ms, bufferConfig)`: emits a key's latest update once stream time is `ms` past
 *   its first update since the last emission (rate limiting, SEMANTICS §5.6); deletes are emitted.
 *
 * `withName(name)` names the processor (`name`) and its buffer store (`<name>-store`). Immutable.
 *
 * @typeParam K - the key type of the table it applies to
 * @example counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream()
 */
export class Suppressed<K> {
  private constructor(
    /** Which of the two suppressions this is. */
    readonly kind: 'untilWindowCloses' | 'untilTimeLimit',
    /** `untilTimeLimit`'s wait in ms; undefined for `untilWindowCloses` (the window's grace decides). */
    readonly timeToWaitForMoreEventsMs: number | undefined,
    readonly bufferConfig: BufferConfig,
    readonly name: string | undefined,
  ) {}

  /**
   * Only the final result of each window, emitted once the window closes.
   * @param bufferConfig a strict config: `BufferConfig.unbounded()`, or limits with `shutDownWhenFull()`
   * @throws TypeError when the config emits early (it could not promise final results)
   */
  static untilWindowCloses<K = unknown>(bufferConfig: BufferConfig): Suppressed<Windowed<K>> {
    if (!(bufferConfig instanceof BufferConfig)) {
      throw new TypeError(`Suppressed.untilWindowCloses(): bufferConfig must be a BufferConfig, but got: ${describeValue(bufferConfig)}`);
    }
    if (!bufferConfig.isStrict) {
      throw new TypeError('Suppressed.untilWindowCloses(): the buffer config must be strict (BufferConfig.unbounded() or a limit with shutDownWhenFull()): emitting early would break the promise of one final result per window');
    }
    return new Suppressed<Windowed<K>>('untilWindowCloses', undefined, bufferConfig, undefined);
  }

  /**
   * A key's latest update, at most once per `timeToWaitForMoreEventsMs` of stream time.
   * @param timeToWaitForMoreEventsMs >= 0; 0 passes every update through
   */
  static untilTimeLimit<K>(timeToWaitForMoreEventsMs: number, bufferConfig: BufferConfig): Suppressed<K> {
    if (typeof timeToWaitForMoreEventsMs !== 'number' || !(Number.isSafeInteger(timeToWaitForMoreEventsMs) && timeToWaitForMoreEventsMs >= 0)) {
      throw new RangeError(`Suppressed.untilTimeLimit(): timeToWaitForMoreEventsMs must be a non-negative integer of milliseconds, but got: ${describeValue(timeToWaitForMoreEventsMs)}`);
    }
    if (!(bufferConfig instanceof BufferConfig)) {
      throw new TypeError(`Suppressed.untilTimeLimit(): bufferConfig must be a BufferConfig, but got: ${describeValue(bufferConfig)}`);
    }
    return new Suppressed<K>('untilTimeLimit', timeToWaitForMoreEventsMs, bufferConfig, undefined);
  }

  /**
   * A copy whose processor is named `name` and its buffer store `<name>-store`.
   * @throws TopologyException when the name is not a legal name
   */
  withName(name: string): Suppressed<K> {
    validateName(name);
    return new Suppressed<K>(this.kind, this.timeToWaitForMoreEventsMs, this.bufferConfig, name);
  }
}
