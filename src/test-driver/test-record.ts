import type { Header } from '../kafka/port.js';

/**
 * A record piped into or read from a test topic (Kafka's `TestRecord`). `timestamp` in epoch ms:
 * optional on input (the input topic's auto-advancing clock fills it in), always set on output.
 */
export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp?: number;
  readonly headers?: readonly Header[];
}

/** A key and a value, as `readKeyValue` returns and `pipeKeyValueList` takes (Kafka's `KeyValue`). */
export interface TestKeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/** The driver's side of a test topic; internal. */
export interface TestDriverPort {
  pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: readonly Header[]): Promise<void>;
  readOutput(topic: string): OutputRecord | undefined;
  outputSize(topic: string): number;
}

/** A record as the topology produced it. */
export interface OutputRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: readonly Header[];
}
