import { StreamsException } from '../../errors.js';
import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { KeyValue, KeyValueMapper } from '../functions.js';
import { change, type Change } from '../internal/change.js';
import { forwardAll } from './forward-all.js';

/**
 * The key selector of `KTable.groupBy` (Kafka's `KTableRepartitionMap`, `KTABLE-SELECT-<n>`): maps
 * the new and the old value of each update to `{ key, value }` pairs. When both map to the same
 * key it forwards one `Change(new, old)` for it (KIP-904, Kafka 3.5+); otherwise first a
 * subtraction `Change(null, old)` for the old key, then an addition `Change(new, null)` for the new
 * one. Pairs with a null key or value are skipped (SEMANTICS §10). Its parent always sends old values.
 */
export class KTableRepartitionMapProcessor<K, V, KR, VR> implements Processor<K, Change<V>, KR, Change<VR>> {
  #context!: ProcessorContext<KR, Change<VR>>;

  constructor(private readonly mapper: KeyValueMapper<K, V, KeyValue<KR, VR> | null | undefined>) {}

  init(context: ProcessorContext<KR, Change<VR>>): void {
    this.#context = context;
  }

  process(record: Record<K, Change<V>>): void | Promise<void> {
    if (record.key === null || record.key === undefined) {
      throw new StreamsException('Record key for the grouping KTable should not be null.');
    }
    const { newValue, oldValue } = record.value;
    const newPair = newValue === null ? undefined : usable(this.mapper(record.key, newValue));
    const oldPair = oldValue === null ? undefined : usable(this.mapper(record.key, oldValue));
    if (newPair !== undefined && oldPair !== undefined && sameKey(newPair.key, oldPair.key)) {
      return this.#context.forward(record.withKey(oldPair.key).withValue(change(newPair.value, oldPair.value)));
    }
    const out: Record<KR, Change<VR>>[] = [];
    if (oldPair !== undefined) out.push(record.withKey(oldPair.key).withValue(change<VR>(null, oldPair.value)));
    if (newPair !== undefined) out.push(record.withKey(newPair.key).withValue(change<VR>(newPair.value, null)));
    return forwardAll(this.#context, out);
  }
}

function usable<KR, VR>(pair: KeyValue<KR, VR> | null | undefined): KeyValue<KR, VR> | undefined {
  if (pair === null || pair === undefined) return undefined;
  if (pair.key === null || pair.key === undefined || pair.value === null || pair.value === undefined) return undefined;
  return pair;
}

/**
 * Kafka compares the keys with `equals`; here primitives compare by value, Buffers by bytes, and
 * other objects by their JSON text (a grouping key is meant to be a value, not an identity).
 */
function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}
