import { Consumed } from '../consumed.js';
import { GlobalKTable } from '../global-ktable.js';
import { describeValue, requireInstanceOrUndefined } from './arguments.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { TableState } from './ktable-processor-supplier.js';
import { MaterializedInternal, storeBuilderOf } from './materialized-internal.js';
import { NamePrefix } from './name-prefixes.js';
import { orElseGenerate, suffixedOrElseGenerate } from './naming.js';
import { TablePrefix } from './stateful-name-prefixes.js';
import { TableSourceNode } from './table-source-node.js';
import { storeValueGetterSupplier } from './value-getter.js';
import { KTable } from '../ktable.js';
import { Materialized } from '../materialized.js';
import { KTableSource } from '../processors/ktable-source.js';
// The stateful KStream and KTable operators are added to those classes by these modules.
import '../kgrouped-table.js';
import '../kstream-stateful-operators.js';

/**
 * `StreamsBuilder.table()` and `globalTable()` (Kafka's `InternalStreamsBuilder.table` /
 * `globalTable`). Names, in the order drawn: the store `<topic>-STATE-STORE-<n>` (unless named),
 * the source `KSTREAM-SOURCE-<n+1>` (or `<Consumed name>-source`), the table source
 * `KTABLE-SOURCE-<n+2>` (or the Consumed name) (SEMANTICS §13.1).
 */
export function addTableSource<K, V>(
  builder: InternalStreamsBuilder,
  operator: 'table()' | 'globalTable()',
  topic: string,
  consumedOrMaterialized: Consumed<K, V> | Materialized<K, V> | undefined,
  materializedArg: Materialized<K, V> | undefined,
): KTable<K, V> | GlobalKTable<K, V> {
  if (typeof topic !== 'string' || topic.length === 0) throw new TypeError(`${operator}: topic must be a non-empty string, but got: ${describeValue(topic)}`);
  const [consumed, materialized] = consumedOrMaterialized instanceof Materialized
    ? [undefined, consumedOrMaterialized]
    : [consumedOrMaterialized, materializedArg];
  requireInstanceOrUndefined(consumed, (v) => v instanceof Consumed, 'Consumed', operator);
  requireInstanceOrUndefined(materialized, (v) => v instanceof Materialized, 'Materialized', operator);
  const global = operator === 'globalTable()';
  // The source reads with Consumed's serdes, else Materialized's; the store uses the same.
  const keySerde = consumed?.keySerde ?? materialized?.keySerde;
  const valueSerde = consumed?.valueSerde ?? materialized?.valueSerde;
  const mi = new MaterializedInternal(materialized ?? Materialized.with<K, V>(keySerde, valueSerde), builder, `${topic}-`, global)
    .keySerdeIfUnset(keySerde)
    .valueSerdeIfUnset(valueSerde);
  const sourceName = suffixedOrElseGenerate(builder, consumed?.processorName, '-source', NamePrefix.SOURCE);
  const tableSourceName = orElseGenerate(builder, consumed?.processorName, TablePrefix.SOURCE);
  const source = new KTableSource<K, V>(mi.storeName, mi.queryableStoreName, storeBuilderOf(mi), !global);
  const node = new TableSourceNode(tableSourceName, sourceName, topic, {
    keySerde,
    valueSerde,
    timestampExtractor: consumed?.timestampExtractor,
    // A global table is always read from the start (as Kafka's).
    offsetReset: global ? undefined : consumed?.offsetResetPolicy,
  }, source as KTableSource<unknown, unknown>, global);
  builder.addGraphNode(builder.root, node);
  if (global) return new GlobalKTable<K, V>({ valueGetterSupplier: storeValueGetterSupplier(mi.storeName), queryableStoreName: mi.queryableStoreName });
  return new KTable<K, V>({
    builder,
    node,
    name: tableSourceName,
    keySerde,
    valueSerde,
    sourceNodes: new Set([tableSourceName]),
    queryableStoreName: mi.queryableStoreName,
    state: new TableState(source),
  });
}
