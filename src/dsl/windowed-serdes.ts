import type { Serde } from '../serde/serde.js';
import { SessionWindow, TimeWindow, Windowed } from '../state/windowed.js';
import { describeValue } from './internal/arguments.js';

type Headers = Parameters<Serde<unknown>['serialize']>[2];

const TIMESTAMP_SIZE = 8;

function readTime(bytes: Buffer, at: number): number {
  return Number(bytes.readBigInt64BE(at));
}

/**
 * A serde of windowed keys built over the serde of the plain key. The plain key's serde may be
 * given later (`withInnerIfUnset`), when only the running application's `default.key.serde`
 * knows it; until then using the serde throws.
 */
abstract class WindowedSerde<K> implements Serde<Windowed<K>> {
  #inner: Serde<K> | undefined;

  protected constructor(inner: Serde<K> | undefined) {
    this.#inner = inner;
  }

  /** The serde of the plain key, when known. */
  get inner(): Serde<K> | undefined {
    return this.#inner;
  }

  /** @internal Gives the plain key's serde when none was given (the config's default key serde). */
  withInnerIfUnset(inner: Serde<unknown> | undefined): void {
    this.#inner ??= inner as Serde<K> | undefined;
  }

  protected requireInner(): Serde<K> {
    const inner = this.#inner;
    if (inner === undefined) {
      throw new TypeError(`${this.constructor.name}: no serde for the key inside the window: give one (e.g. WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), sizeMs)) or set 'default.key.serde'`);
    }
    return inner;
  }

  abstract serialize(topic: string, data: Windowed<K> | null, headers?: Headers): Buffer | null;
  abstract deserialize(topic: string, data: Buffer | null, headers?: Headers): Windowed<K> | null;
}

/**
 * Keys of time windows (tumbling, hopping, sliding) as Kafka's `TimeWindowedSerializer` writes
 * them: the plain key's bytes, then the window start as an 8-byte big-endian integer. The end is
 * not written; the deserializer gives every window the size it was made with (Kafka's
 * `TimeWindowedDeserializer` with a window size).
 */
export class TimeWindowedSerde<K> extends WindowedSerde<K> {
  readonly windowSizeMs: number;

  constructor(inner: Serde<K> | undefined, windowSizeMs: number) {
    super(inner);
    if (!Number.isSafeInteger(windowSizeMs) || windowSizeMs <= 0) {
      throw new RangeError(`TimeWindowedSerde: windowSizeMs must be a positive integer of milliseconds, but got: ${describeValue(windowSizeMs)}`);
    }
    this.windowSizeMs = windowSizeMs;
  }

  serialize(topic: string, data: Windowed<K> | null, headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    const key = this.requireInner().serialize(topic, data.key(), headers) ?? Buffer.alloc(0);
    const bytes = Buffer.allocUnsafe(key.length + TIMESTAMP_SIZE);
    key.copy(bytes, 0);
    bytes.writeBigInt64BE(BigInt(data.window().start()), key.length);
    return bytes;
  }

  deserialize(topic: string, data: Buffer | null, headers?: Headers): Windowed<K> | null {
    if (data === null || data === undefined) return null;
    if (data.length < TIMESTAMP_SIZE) throw new RangeError(`A time-windowed key has at least ${TIMESTAMP_SIZE} bytes, but got ${data.length}`);
    const keyLength = data.length - TIMESTAMP_SIZE;
    const start = readTime(data, keyLength);
    const key = this.requireInner().deserialize(topic, data.subarray(0, keyLength), headers) as K;
    // Kafka caps the end at Long.MAX_VALUE when start + size overflows.
    const end = Math.min(start + this.windowSizeMs, Number.MAX_SAFE_INTEGER);
    return new Windowed(key, new TimeWindow(start, end));
  }
}

/**
 * Keys of session windows as Kafka's `SessionWindowedSerializer` writes them: the plain key's
 * bytes, then the session end and the session start, each an 8-byte big-endian integer.
 */
export class SessionWindowedSerde<K> extends WindowedSerde<K> {
  constructor(inner: Serde<K> | undefined) {
    super(inner);
  }

  serialize(topic: string, data: Windowed<K> | null, headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    const key = this.requireInner().serialize(topic, data.key(), headers) ?? Buffer.alloc(0);
    const bytes = Buffer.allocUnsafe(key.length + 2 * TIMESTAMP_SIZE);
    key.copy(bytes, 0);
    bytes.writeBigInt64BE(BigInt(data.window().end()), key.length);
    bytes.writeBigInt64BE(BigInt(data.window().start()), key.length + TIMESTAMP_SIZE);
    return bytes;
  }

  deserialize(topic: string, data: Buffer | null, headers?: Headers): Windowed<K> | null {
    if (data === null || data === undefined) return null;
    if (data.length < 2 * TIMESTAMP_SIZE) throw new RangeError(`A session-windowed key has at least ${2 * TIMESTAMP_SIZE} bytes, but got ${data.length}`);
    const keyLength = data.length - 2 * TIMESTAMP_SIZE;
    const end = readTime(data, keyLength);
    const start = readTime(data, keyLength + TIMESTAMP_SIZE);
    const key = this.requireInner().deserialize(topic, data.subarray(0, keyLength), headers) as K;
    return new Windowed(key, new SessionWindow(start, end));
  }
}

/**
 * Serdes of windowed keys (Kafka's `WindowedSerdes`), for writing the results of windowed
 * aggregations to topics and reading them back. The results' own `toStream().to(topic)` already
 * uses them; these are for reading such a topic, or for `Produced.with`.
 *
 * @example
 * counts.toStream().to('counts-5s', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 5_000), Serdes.Long()));
 * driver.createOutputTopic('counts-5s', WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 5_000), Serdes.Long());
 */
export const WindowedSerdes = {
  /**
   * Keys of time windows of `windowSizeMs`: the key's bytes plus the 8-byte window start.
   * @throws RangeError when `windowSizeMs` is not a positive integer
   */
  timeWindowedSerdeFrom<K>(keySerde: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
    return new TimeWindowedSerde(requireSerde(keySerde, 'timeWindowedSerdeFrom'), windowSizeMs);
  },

  /** Keys of session windows: the key's bytes plus the 8-byte end and the 8-byte start. */
  sessionWindowedSerdeFrom<K>(keySerde: Serde<K>): Serde<Windowed<K>> {
    return new SessionWindowedSerde(requireSerde(keySerde, 'sessionWindowedSerdeFrom'));
  },
} as const;

function requireSerde<K>(serde: Serde<K>, operator: string): Serde<K> {
  const ok = typeof serde === 'object' && serde !== null && typeof serde.serialize === 'function' && typeof serde.deserialize === 'function';
  if (!ok) throw new TypeError(`WindowedSerdes.${operator}(): keySerde must be a Serde, but got: ${describeValue(serde)}`);
  return serde;
}
