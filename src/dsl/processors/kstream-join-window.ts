import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { WindowStore } from '../../state/window-store.js';

/**
 * The buffer in front of each side of a stream-stream join (Kafka's `KStreamJoinWindow`,
 * `KSTREAM-WINDOWED-<n>`): forwards each record to its side's join processor first, then keeps
 * it in the side's window store (under its timestamp, duplicates kept) for the other side to
 * find; records with a null key never join, so they are not kept. In front of a single-store
 * self-join it only forwards: that join stores the record itself, between its two lookups.
 */
export class KStreamJoinWindow<K, V> implements Processor<K, V, K, V> {
  #context!: ProcessorContext<K, V>;
  #window: WindowStore<K, V> | undefined;

  /** @param stores whether to keep records (false in front of a single-store self-join) */
  constructor(
    private readonly storeName: string,
    private readonly stores = true,
  ) {}

  init(context: ProcessorContext<K, V>): void {
    this.#context = context;
    if (this.stores) this.#window = context.getStateStore<WindowStore<K, V>>(this.storeName);
  }

  async process(record: Record<K, V>): Promise<void> {
    await this.#context.forward(record);
    if (this.#window !== undefined && record.key !== null && record.key !== undefined) await this.#window.put(record.key, record.value, record.timestamp);
  }
}
