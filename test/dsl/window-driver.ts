import type { StreamsConfigInput } from '../../src/config.js';
import type { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Windowed } from '../../src/state/windowed.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import type { TestInputTopic } from '../../src/test-driver/test-input-topic.js';
import type { TestOutputTopic } from '../../src/test-driver/test-output-topic.js';

/** One output record: `key@start/end` (Kafka's `Windowed.toString` without brackets), value, timestamp. */
export type Out<V> = [string, V | null, number];

/** `key@start/end`, as Kafka's windowed keys print (`[A@0/10]`). */
export function windowedKey(key: Windowed<unknown> | null): string {
  return key === null ? 'null' : `${String(key.key())}@${key.window().start()}/${key.window().end()}`;
}

/**
 * A TopologyTestDriver over a windowed topology reading string records from `in` and writing
 * windowed keys to `out`; `pipe` returns the output records that one input record caused.
 */
export class WindowedRun<V> implements AsyncDisposable {
  readonly driver: TopologyTestDriver;
  readonly #input: TestInputTopic<string, string>;
  readonly #output: TestOutputTopic<Windowed<string>, V>;

  constructor(builder: StreamsBuilder, outKeySerde: Serde<Windowed<string>>, outValueSerde: Serde<V>, config: Partial<StreamsConfigInput> = {}) {
    this.driver = new TopologyTestDriver(builder.build(), {
      'default.key.serde': Serdes.String(),
      'default.value.serde': Serdes.String(),
      ...config,
    }, 0);
    this.#input = this.driver.createInputTopic('in', Serdes.String(), Serdes.String());
    this.#output = this.driver.createOutputTopic('out', outKeySerde, outValueSerde);
  }

  async pipe(key: string | null, value: string | null, timestamp: number): Promise<Array<Out<V>>> {
    await this.#input.pipeInput(key, value, timestamp);
    return this.read();
  }

  /** Pipes each record and returns every output, in order. */
  async pipeAll(records: ReadonlyArray<readonly [string | null, string | null, number]>): Promise<Array<Out<V>>> {
    const out: Array<Out<V>> = [];
    for (const [k, v, t] of records) out.push(...(await this.pipe(k, v, t)));
    return out;
  }

  read(): Array<Out<V>> {
    return this.#output.readRecordsToList().map((r) => [windowedKey(r.key), r.value, r.timestamp]);
  }

  /** The task metric `dropped-records`. */
  get dropped(): number {
    return this.driver.metric('dropped-records');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.driver.close();
  }
}
