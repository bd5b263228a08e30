import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { WindowStore } from '../../state/window-store.js';

/**
 * The buffer in front of each side of a stream-stream join (Kafka's `KStreamJoinWindow`,
 * `KSTREAM-WINDOWED-<n>`): forwards each record to its side's join processor first, then keeps
 * it in the side's window store (under its timestamp, duplicates kept) for the other side to
 * find; records with a null key never join, so they are not kept.
 */
export class KStreamJoinWindow<K, V> implements Processor<K, V, K, V> {
  #context!: ProcessorContext<K, V>;
  #window!: WindowStore<K, V>;

  constructor(private readonly storeName: string) {}

  init(context: ProcessorContext<K, V>): void {
    this.#context = context;
    this.#window = context.getStateStore<WindowStore<K, V>>(this.storeName);
  }

  async process(record: Record<K, V>): Promise<void> {
    await this.#context.forward(record);
    if (record.key !== null && record.key !== undefined) await this.#window.put(record.key, record.value, record.timestamp);
  }
}
