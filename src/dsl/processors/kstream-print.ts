import type { Processor } from '../../processor/processor.js';
import type { Record } from '../../processor/record.js';
import type { KeyValueMapper } from '../functions.js';
import type { PrintSink } from '../printed.js';

/**
 * `print` (Kafka's `KStreamPrint` with its `PrintForeachAction`): writes `[label]: <mapper(key,
 * value)>` as one line per record; a terminal node that forwards nothing.
 */
export class KStreamPrint<K, V> implements Processor<K, V> {
  constructor(
    private readonly sink: PrintSink,
    private readonly label: string,
    private readonly mapper: KeyValueMapper<K, V, string>,
  ) {}

  init(): void {
    this.sink.open();
  }

  process(record: Record<K, V>): void {
    this.sink.writeLine(`[${this.label}]: ${String(this.mapper(record.key, record.value))}`);
  }

  close(): void {
    this.sink.close();
  }
}
