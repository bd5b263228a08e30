import type { Serde } from '../serde/serde.js';
import type { TestDriverPort, TestKeyValue, TestRecord } from './test-record.js';

/**
 * Pipes records into one input topic of a `TopologyTestDriver` (Kafka's `TestInputTopic`).
 * Get one from `driver.createInputTopic(...)`.
 *
 * Every pipe method returns a Promise that resolves once the record (and everything it caused,
 * including records sent through repartition topics) was processed to completion: processors may
 * be async. `await` it before reading outputs.
 *
 * Records without a timestamp get the topic's current time, which then advances by the
 * auto-advance step (default: start at the driver's wall-clock time, no advance).
 */
export class TestInputTopic<K, V> {
  readonly #driver: TestDriverPort;
  readonly #topic: string;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  #currentTimeMs: number;
  readonly #advanceMs: number;

  /** @internal Use `TopologyTestDriver.createInputTopic`. */
  constructor(driver: TestDriverPort, topic: string, keySerde: Serde<K>, valueSerde: Serde<V>, startTimestampMs: number, autoAdvanceMs: number) {
    if (!(autoAdvanceMs >= 0)) throw new RangeError(`autoAdvanceMs must be >= 0, but got: ${autoAdvanceMs}`);
    this.#driver = driver;
    this.#topic = topic;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#currentTimeMs = startTimestampMs;
    this.#advanceMs = autoAdvanceMs;
  }

  /** The topic name. */
  get name(): string {
    return this.#topic;
  }

  /** Moves this topic's clock for records piped without a timestamp. */
  advanceTime(advanceMs: number): void {
    if (!(advanceMs >= 0)) throw new RangeError(`advanceMs must be >= 0, but got: ${advanceMs}`);
    this.#currentTimeMs += advanceMs;
  }

  /**
   * Pipes one record: `pipeInput(value)` (null key), `pipeInput(key, value)` or
   * `pipeInput(key, value, timestampMs)`.
   */
  pipeInput(value: V | null): Promise<void>;
  pipeInput(key: K | null, value: V | null, timestampMs?: number): Promise<void>;
  pipeInput(...args: unknown[]): Promise<void> {
    if (args.length <= 1) return this.pipeRecord({ key: null, value: args[0] as V | null });
    const [key, value, timestamp] = args as [K | null, V | null, number | undefined];
    return this.pipeRecord(timestamp === undefined ? { key, value } : { key, value, timestamp });
  }

  /** Pipes one record with optional timestamp and headers. */
  async pipeRecord(record: TestRecord<K, V>): Promise<void> {
    const timestamp = record.timestamp ?? this.#nextTimestamp();
    const headers = record.headers ?? [];
    const key = this.#keySerde.serialize(this.#topic, record.key, headers);
    const value = this.#valueSerde.serialize(this.#topic, record.value, headers);
    await this.#driver.pipe(this.#topic, key, value, timestamp, headers);
  }

  /** Pipes records one after the other, each processed to completion. */
  async pipeRecordList(records: readonly TestRecord<K, V>[]): Promise<void> {
    for (const r of records) await this.pipeRecord(r);
  }

  /**
   * Pipes key-value pairs; timestamps from `startTimestampMs` advancing by `advanceMs`, or from
   * the topic's own clock when not given.
   */
  async pipeKeyValueList(pairs: readonly TestKeyValue<K | null, V | null>[], startTimestampMs?: number, advanceMs = 0): Promise<void> {
    let ts = startTimestampMs;
    for (const { key, value } of pairs) {
      if (ts === undefined) {
        await this.pipeRecord({ key, value });
      } else {
        await this.pipeRecord({ key, value, timestamp: ts });
        ts += advanceMs;
      }
    }
  }

  /** Pipes values with null keys; timestamps as in `pipeKeyValueList`. */
  async pipeValueList(values: readonly (V | null)[], startTimestampMs?: number, advanceMs = 0): Promise<void> {
    await this.pipeKeyValueList(values.map((value) => ({ key: null, value })), startTimestampMs, advanceMs);
  }

  #nextTimestamp(): number {
    const ts = this.#currentTimeMs;
    this.#currentTimeMs += this.#advanceMs;
    return ts;
  }

  toString(): string {
    return `TestInputTopic[topic='${this.#topic}']`;
  }
}
