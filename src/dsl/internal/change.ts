/**
 * The value a KTable update carries between table processors (Kafka's `Change`): the key's new
 * value and, when a downstream operator asked for old values ("send old values", SEMANTICS
 * §5.2), its value before the update. `null` is absent: a `newValue` of `null` is a delete.
 * `toStream()` keeps only `newValue`.
 */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

/** A `Change`; `oldValue` defaults to `null` (old values not requested). */
export function change<V>(newValue: V | null, oldValue: V | null = null): Change<V> {
  return { newValue, oldValue };
}
