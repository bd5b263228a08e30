import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier, ParentTable } from '../internal/ktable-processor-supplier.js';
import type { KTableValueGetter, KTableValueGetterSupplier } from '../internal/value-getter.js';
import { warnDropped } from './dropped-records.js';

/**
 * Which rows a table-table join keeps, seen from the side whose updates this processor handles:
 * `inner`, `left` (this side is the left of a left join), `right` (this side is the right of a
 * left join; its joiner has its arguments swapped), `outer`.
 */
export type TableJoinKind = 'inner' | 'left' | 'right' | 'outer';

/** Joins a value of this side with one of the other side; absent sides are `null` in left/outer joins. */
export type SideJoiner<K, V1, V2, VR> = (thisValue: V1 | null, otherValue: V2 | null, key: K) => VR;

/**
 * One side of a KTable-KTable join (Kafka's `KTableKTableInnerJoin` / `LeftJoin` / `RightJoin` /
 * `OuterJoin`): for each update of this side it looks up the other side's current value and
 * forwards the joined `Change`, or nothing, as SEMANTICS §8's table says; the output timestamp is
 * `max(update ts, other value's ts)` (§1.5). Old values are joined only when asked for; asking
 * makes both input tables send theirs.
 */
export class KTableKTableJoin<K, V1, V2, VR> implements KTableProcessorSupplier<K, VR> {
  #sendOldValues = false;
  readonly #thisGetters: KTableValueGetterSupplier<K, V1>;
  readonly #otherGetters: KTableValueGetterSupplier<K, V2>;

  /** Reads both tables' getters at once, as Kafka does: that materializes source tables. */
  constructor(
    private readonly thisTable: ParentTable<K, V1>,
    private readonly otherTable: ParentTable<K, V2>,
    private readonly joiner: SideJoiner<K, V1, V2, VR>,
    private readonly kind: TableJoinKind,
  ) {
    this.#thisGetters = thisTable.valueGetterSupplier();
    this.#otherGetters = otherTable.valueGetterSupplier();
  }

  get(): Processor<K, Change<V1>, K, Change<VR>> {
    return new KTableKTableJoinProcessor(this.#otherGetters.get(), this.joiner, this.kind, this.#sendOldValues);
  }

  view(): KTableValueGetterSupplier<K, VR> {
    const thisGetters = this.#thisGetters;
    const otherGetters = this.#otherGetters;
    return {
      storeNames: () => [...new Set([...thisGetters.storeNames(), ...otherGetters.storeNames()])],
      get: () => joinedGetter(thisGetters.get(), otherGetters.get(), this.joiner, this.kind),
    };
  }

  enableSendingOldValues(): boolean {
    this.thisTable.enableSendingOldValues(true);
    this.otherTable.enableSendingOldValues(true);
    this.#sendOldValues = true;
    return true;
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    return [];
  }
}

class KTableKTableJoinProcessor<K, V1, V2, VR> implements Processor<K, Change<V1>, K, Change<VR>> {
  #context!: ProcessorContext<K, Change<VR>>;

  constructor(
    private readonly otherGetter: KTableValueGetter<K, V2>,
    private readonly joiner: SideJoiner<K, V1, V2, VR>,
    private readonly kind: TableJoinKind,
    private readonly sendOldValues: boolean,
  ) {}

  init(context: ProcessorContext<K, Change<VR>>): void {
    this.#context = context;
    this.otherGetter.init(context);
  }

  async process(record: Record<K, Change<V1>>): Promise<void> {
    if (record.key === null || record.key === undefined) {
      warnDropped(this.#context, 'null key', 'KTable-KTable join');
      return;
    }
    const { newValue, oldValue } = record.value;
    const other = await this.otherGetter.get(record.key);
    const otherValue = other === null ? null : other.value;
    const key = record.key;
    const joiner = (a: V1 | null, b: V2 | null): VR => this.joiner(a, b, key);
    const joined = joinChange(this.kind, joiner, newValue, oldValue, otherValue, this.sendOldValues);
    if (joined === undefined) return;
    // The other side's timestamp counts only when it has a value (SEMANTICS §1.5).
    const timestamp = other === null ? record.timestamp : Math.max(record.timestamp, other.timestamp);
    await this.#context.forward(record.withValue(joined).withTimestamp(timestamp));
  }
}

/**
 * The joined `Change` for one update of this side, or undefined when nothing is forwarded.
 * `oldValue` is this side's old value as it arrived (set when its table sends old values, as it
 * does for a left or outer join): it tells a delete of a row that existed from one that did not.
 * The old *joined* value is computed only when downstream asked for old values.
 */
function joinChange<V1, V2, VR>(
  kind: TableJoinKind,
  joiner: (thisValue: V1 | null, otherValue: V2 | null) => VR,
  newValue: V1 | null,
  oldValue: V1 | null,
  other: V2 | null,
  sendOldValues: boolean,
): Change<VR> | undefined {
  switch (kind) {
    case 'inner':
      if (other === null) return undefined;
      return change(newValue === null ? null : joiner(newValue, other), sendOldValues && oldValue !== null ? joiner(oldValue, other) : null);
    case 'left':
      if (other === null && newValue === null && oldValue === null) return undefined;
      return change(newValue === null ? null : joiner(newValue, other), sendOldValues && oldValue !== null ? joiner(oldValue, other) : null);
    case 'right':
      // The left row exists whatever this side holds: a delete here joins the left value with null.
      if (other === null) return undefined;
      return change(joiner(newValue, other), sendOldValues ? joiner(oldValue, other) : null);
    case 'outer':
      if (other === null && newValue === null && oldValue === null) return undefined;
      return change(
        other !== null || newValue !== null ? joiner(newValue, other) : null,
        sendOldValues && (other !== null || oldValue !== null) ? joiner(oldValue, other) : null,
      );
  }
}

/** The join result's value for a key, read from both sides (Kafka's join value getters). */
function joinedGetter<K, V1, V2, VR>(
  thisGetter: KTableValueGetter<K, V1>,
  otherGetter: KTableValueGetter<K, V2>,
  joiner: SideJoiner<K, V1, V2, VR>,
  kind: TableJoinKind,
): KTableValueGetter<K, VR> {
  return {
    init(context) {
      thisGetter.init(context);
      otherGetter.init(context);
    },
    async get(key) {
      const [a, b] = await Promise.all([thisGetter.get(key), otherGetter.get(key)]);
      const keep = kind === 'inner' ? a !== null && b !== null : kind === 'left' ? a !== null : kind === 'right' ? b !== null : a !== null || b !== null;
      if (!keep) return null;
      const timestamp = Math.max(a === null ? -1 : a.timestamp, b === null ? -1 : b.timestamp);
      return ValueAndTimestamp.make(joiner(a === null ? null : a.value, b === null ? null : b.value, key), timestamp);
    },
  };
}
