import { IllegalStateException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import type { OutputRecord, TestDriverPort, TestKeyValue, TestRecord } from './test-record.js';

/**
 * Reads what the topology wrote to one topic (Kafka's `TestOutputTopic`). Get one from
 * `driver.createOutputTopic(...)`. Reading consumes: each record is read once, in the order it was
 * produced. Two output topics on the same topic name share that queue.
 */
export class TestOutputTopic<K, V> {
  readonly #driver: TestDriverPort;
  readonly #topic: string;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;

  /** @internal Use `TopologyTestDriver.createOutputTopic`. */
  constructor(driver: TestDriverPort, topic: string, keySerde: Serde<K>, valueSerde: Serde<V>) {
    this.#driver = driver;
    this.#topic = topic;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
  }

  /** The topic name. */
  get name(): string {
    return this.#topic;
  }

  /** @throws IllegalStateException when the topic has no record left */
  readValue(): V | null {
    return this.readRecord().value;
  }

  /** @throws IllegalStateException when the topic has no record left */
  readKeyValue(): TestKeyValue<K | null, V | null> {
    const { key, value } = this.readRecord();
    return { key, value };
  }

  /** @throws IllegalStateException when the topic has no record left */
  readRecord(): Required<TestRecord<K, V>> & { readonly timestamp: number } {
    const raw = this.#driver.readOutput(this.#topic);
    if (raw === undefined) throw new IllegalStateException(`Empty topic: ${this.#topic}`);
    return this.#decode(raw);
  }

  readValuesToList(): (V | null)[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  readKeyValuesToList(): TestKeyValue<K | null, V | null>[] {
    return this.readRecordsToList().map(({ key, value }) => ({ key, value }));
  }

  /** The last value per key (a tombstone removes the key), as Kafka's `readKeyValuesToMap`. */
  readKeyValuesToMap(): Map<K | null, V> {
    const map = new Map<K | null, V>();
    for (const { key, value } of this.readRecordsToList()) {
      if (value === null) map.delete(key);
      else map.set(key, value);
    }
    return map;
  }

  readRecordsToList(): (Required<TestRecord<K, V>> & { readonly timestamp: number })[] {
    const out: (Required<TestRecord<K, V>> & { readonly timestamp: number })[] = [];
    for (let raw = this.#driver.readOutput(this.#topic); raw !== undefined; raw = this.#driver.readOutput(this.#topic)) out.push(this.#decode(raw));
    return out;
  }

  /** Records not read yet. */
  getQueueSize(): number {
    return this.#driver.outputSize(this.#topic);
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }

  #decode(raw: OutputRecord): Required<TestRecord<K, V>> & { readonly timestamp: number } {
    return {
      key: this.#keySerde.deserialize(this.#topic, raw.key, raw.headers),
      value: this.#valueSerde.deserialize(this.#topic, raw.value, raw.headers),
      timestamp: raw.timestamp,
      headers: raw.headers,
    };
  }

  toString(): string {
    return `TestOutputTopic[topic='${this.#topic}', size=${this.getQueueSize()}]`;
  }
}
