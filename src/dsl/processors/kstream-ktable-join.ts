import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { KeyValueMapper, ValueJoiner } from '../functions.js';
import type { KTableValueGetter, KTableValueGetterSupplier } from '../internal/value-getter.js';
import { warnDropped } from './dropped-records.js';
import { isPromise } from '../../state/sync-read.js';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.js';

/**
 * A KStream-KTable or KStream-GlobalKTable join (Kafka's `KStreamKTableJoin`,
 * `KStreamGlobalKTableJoin` and their `KStreamKTableJoinProcessor`): each stream record looks up
 * the table's current value for `keyMapper(key, value)` (the stream key for a KTable) and forwards
 * `joiner(value, tableValue, key)` with the stream record's key and timestamp. Table updates are
 * not joined (they reach only the table's store). Inner: no table value, nothing. Left: the
 * joiner gets `null`. Records with a null value are skipped; a null lookup key skips the record in
 * an inner join and joins with `null` in a left join (SEMANTICS §6, §7; KIP-962 and KAFKA-19208,
 * as Kafka Streams 4.1 does).
 */
export function kstreamKTableJoinSupplier<K, V, KT, VT, VR>(
  table: KTableValueGetterSupplier<KT, VT>,
  keyMapper: KeyValueMapper<K, V, KT | null | undefined>,
  joiner: ValueJoiner<V, VT | null, VR, K>,
  leftJoin: boolean,
): () => Processor<K, V, K, VR> {
  return () => new KStreamKTableJoinProcessor(table.get(), keyMapper, joiner, leftJoin);
}

class KStreamKTableJoinProcessor<K, V, KT, VT, VR> implements Processor<K, V, K, VR> {
  #context!: ProcessorContext<K, VR>;

  constructor(
    private readonly table: KTableValueGetter<KT, VT>,
    private readonly keyMapper: KeyValueMapper<K, V, KT | null | undefined>,
    private readonly joiner: ValueJoiner<V, VT | null, VR, K>,
    private readonly leftJoin: boolean,
  ) {}

  init(context: ProcessorContext<K, VR>): void {
    this.#context = context;
    this.table.init(context);
  }

  /**
   * Synchronous when the table's store answers at once (a cache hit, LevelDB's `getSync`, an
   * in-memory store) and the children are synchronous: then a record costs no promise at all.
   */
  process(record: Record<K, V>): void | Promise<void> {
    const value = record.value;
    if (value === null || value === undefined) {
      warnDropped(this.#context, 'null join key or value', this.leftJoin ? 'left join' : 'join');
      return;
    }
    const tableKey = this.keyMapper(record.key, value);
    if (tableKey === null || tableKey === undefined) {
      if (!this.leftJoin) {
        warnDropped(this.#context, 'null join key or value', 'join');
        return;
      }
      return this.#join(record, value, null);
    }
    const found = this.table.get(tableKey);
    return isPromise(found) ? found.then((f) => this.#join(record, value, f)) : this.#join(record, value, found);
  }

  #join(record: Record<K, V>, value: V, found: ValueAndTimestamp<VT> | null): void | Promise<void> {
    if (found === null && !this.leftJoin) return;
    return this.#context.forward(record.withValue(this.joiner(value, found === null ? null : found.value, record.key)));
  }
}
