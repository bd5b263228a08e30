import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { WindowStore } from '../../state/window-store.js';
import { warnDropped } from './dropped-records.js';

/**
 * An inner KStream-KStream join of a stream with itself over one window store (Kafka's
 * `KStreamKStreamSelfJoin`, KIP-862, applied by `topology.optimization=single.store.self.join`).
 * It stands in for the two sides of the unoptimized join and emits the same records in the same
 * order. For a record at `t`:
 * 1. as the left side ("this"): joins the buffered records of its key in `[t - before, t + after]`,
 *    `joiner(record, buffered)` at `max(t, buffered ts)`;
 * 2. the record goes into the buffer (the unoptimized join stores it into the left buffer between
 *    the two sides' lookups; here the `KSTREAM-WINDOWED` node in front only forwards);
 * 3. as the right side ("other"): joins the buffered records in `[t - after, t + before]`,
 *    `joiner(buffered, record)`, which now include the record itself, in ascending timestamp order
 *    with records of equal timestamp in arrival order, so the record's join with itself comes
 *    after the equal-timestamp records stored before it.
 *
 * Kafka's processor leaves the store to the windowed node and emits the record's join with itself
 * from its stream time instead (`t > streamTime - retention + 1`, and whatever the window's
 * bounds); storing first lets the store's own retention decide, exactly as it decides for the
 * unoptimized join (a record at `streamTime - retention + 1`, or a window whose `before` or
 * `after` is negative, still match the unoptimized join's output).
 */
export class KStreamKStreamSelfJoinProcessor<K, V, VR> implements Processor<K, V, K, VR> {
  #context!: ProcessorContext<K, VR>;
  #window!: WindowStore<K, V>;

  /** @param joiner the join's `(left, right, key)` joiner */
  constructor(
    private readonly beforeMs: number,
    private readonly afterMs: number,
    private readonly storeName: string,
    private readonly joiner: (left: V, right: V, key: K) => VR,
  ) {}

  init(context: ProcessorContext<K, VR>): void {
    this.#context = context;
    this.#window = context.getStateStore<WindowStore<K, V>>(this.storeName);
  }

  async process(record: Record<K, V>): Promise<void> {
    const key = record.key;
    if (key === null || key === undefined) {
      warnDropped(this.#context, 'null key or value', 'stream-stream join');
      return;
    }
    const timestamp = record.timestamp;
    const value = record.value;
    if (value === null || value === undefined) {
      // The windowed node of the unoptimized join stores it all the same (it moves the store's time).
      await this.#window.put(key, value, timestamp);
      warnDropped(this.#context, 'null key or value', 'stream-stream join');
      return;
    }
    for await (const { key: otherTimestamp, value: otherValue } of this.#window.fetch(key, Math.max(0, timestamp - this.beforeMs), Math.max(0, timestamp + this.afterMs))) {
      await this.#context.forward(record.withValue(this.joiner(value, otherValue, key)).withTimestamp(Math.max(timestamp, otherTimestamp)));
    }
    await this.#window.put(key, value, timestamp);
    for await (const { key: otherTimestamp, value: otherValue } of this.#window.fetch(key, Math.max(0, timestamp - this.afterMs), Math.max(0, timestamp + this.beforeMs))) {
      await this.#context.forward(record.withValue(this.joiner(otherValue, value, key)).withTimestamp(Math.max(timestamp, otherTimestamp)));
    }
  }
}
