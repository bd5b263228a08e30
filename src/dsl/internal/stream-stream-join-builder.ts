import { StreamsException } from '../../errors.js';
import type { Serde } from '../../serde/serde.js';
import { Serdes } from '../../serde/serdes.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import { Stores } from '../../state/stores.js';
import type { WindowBytesStoreSupplier } from '../../state/window-store-builder.js';
import type { ValueJoiner } from '../functions.js';
import type { JoinWindows } from '../join-windows.js';
import { KStreamJoinWindow } from '../processors/kstream-join-window.js';
import { JoinTimeTrackers, KStreamKStreamJoinProcessor, type StreamStreamJoinSpec as SideSpec } from '../processors/kstream-kstream-join.js';
import { KStreamKStreamSelfJoinProcessor } from '../processors/kstream-kstream-self-join.js';
import { PassThrough } from '../processors/pass-through.js';
import type { StreamJoined } from '../stream-joined.js';
import { LazySerde } from './lazy-serde.js';
import { NamePrefix } from './name-prefixes.js';
import { suffixedOrElseGenerate } from './naming.js';
import { StatefulProcessorNode } from './stateful-processor-node.js';
import { NULL_KEY_RELAXED_JOIN } from './stateful-name-prefixes.js';
import type { StreamHandle } from './stream-handle.js';
import { StreamStreamJoinNode } from './stream-stream-join-node.js';

/** Kafka's `KStreamImpl` prefixes of the stream-stream join's names. */
const Prefix = {
  WINDOWED: 'KSTREAM-WINDOWED-',
  JOINTHIS: 'KSTREAM-JOINTHIS-',
  JOINOTHER: 'KSTREAM-JOINOTHER-',
  OUTERTHIS: 'KSTREAM-OUTERTHIS-',
  OUTEROTHER: 'KSTREAM-OUTEROTHER-',
  OUTERSHARED: 'KSTREAM-OUTERSHARED-',
} as const;

const OPERATOR = 'A stream-stream join';

/**
 * Adds a KStream-KStream join of two (already co-partitionable) streams to the graph (Kafka's
 * `KStreamImplJoin.join`): each side is buffered in a window store that retains duplicates
 * (retention `before + after + grace`, window size `before + after`) by a `KSTREAM-WINDOWED`
 * node; each side's join processor looks up the other side's buffer; left and outer joins with
 * the new `JoinWindows` factories share one more store of records not joined yet. Names and store
 * names are drawn in Kafka's order (SEMANTICS §12.3, §13.1).
 *
 * @returns the merge node's stream
 */
export function buildStreamStreamJoin<K, V1, V2, VR>(
  left: StreamHandle<K, V1>,
  right: StreamHandle<K, V2>,
  joiner: ValueJoiner<V1 | null, V2 | null, VR, K>,
  windows: JoinWindows,
  joined: StreamJoined<K, V1, V2> | undefined,
  leftOuter: boolean,
  rightOuter: boolean,
): StreamHandle<K, VR> {
  const builder = left.builder;
  const name = joined?.name;
  const thisSuffix = rightOuter ? '-outer-this-join' : '-this-join';
  const otherSuffix = leftOuter ? '-outer-other-join' : '-other-join';
  const thisWindowedName = suffixedOrElseGenerate(builder, name, '-this-windowed', Prefix.WINDOWED);
  const otherWindowedName = suffixedOrElseGenerate(builder, name, '-other-windowed', Prefix.WINDOWED);
  const thisGenerated = builder.newProcessorName(rightOuter ? Prefix.OUTERTHIS : Prefix.JOINTHIS);
  const otherGenerated = builder.newProcessorName(leftOuter ? Prefix.OUTEROTHER : Prefix.JOINOTHER);
  const thisName = name === undefined ? thisGenerated : name + thisSuffix;
  const otherName = name === undefined ? otherGenerated : name + otherSuffix;
  const mergeName = suffixedOrElseGenerate(builder, name, '-merge', NamePrefix.MERGE);

  const keySerde = joined?.keySerde ?? left.keySerde;
  const leftSerde = joined?.valueSerde ?? left.valueSerde;
  const rightSerde = joined?.otherValueSerde ?? right.valueSerde;
  const thisSupplier = joined?.thisStoreSupplier;
  const otherSupplier = joined?.otherStoreSupplier;
  if (thisSupplier !== undefined && otherSupplier !== undefined && thisSupplier.name === otherSupplier.name) {
    throw new StreamsException('Both StoreSuppliers have the same name.  StoreSuppliers must provide unique names', 'TOPOLOGY');
  }
  const thisStore = windowStore(thisSupplier, (joined?.storeName === undefined ? thisGenerated : joined.storeName + thisSuffix) + '-store', windows, keySerde, leftSerde, joined);
  const otherStore = windowStore(otherSupplier, (joined?.storeName === undefined ? otherGenerated : joined.storeName + otherSuffix) + '-store', windows, keySerde, rightSerde, joined);
  const outerStore = leftOuter && windows.spuriousResultFixEnabled ? outerJoinStore(thisGenerated, rightOuter, joined, thisSupplier) : undefined;

  // Under a single-store self-join (decided when the topology is built) the join itself stores the records.
  const thisWindowed = new StatefulProcessorNode(thisWindowedName, () => new KStreamJoinWindow<K, V1>(thisStore.name, !node.selfJoin), { stores: () => [thisStore] });
  builder.addGraphNode(left.node, thisWindowed);
  const otherWindowed = new StatefulProcessorNode(otherWindowedName, () => new KStreamJoinWindow<K, V2>(otherStore.name), { stores: () => [otherStore] });
  builder.addGraphNode(right.node, otherWindowed);

  const spec: SideSpec<K, V1, V2> = {
    beforeMs: windows.beforeMs,
    afterMs: windows.afterMs,
    graceMs: windows.gracePeriodMs(),
    spuriousResultFix: windows.spuriousResultFixEnabled,
    trackers: new JoinTimeTrackers(),
    outerStoreName: outerStore?.name,
    keySerde: new LazySerde(keySerde, 'default.key.serde', OPERATOR),
    leftSerde: new LazySerde(leftSerde, 'default.value.serde', OPERATOR),
    rightSerde: new LazySerde(rightSerde, 'default.value.serde', OPERATOR),
  };
  const shared = outerStore === undefined ? [] : [outerStore];
  const sourceNodes = new Set([...left.sourceNodes, ...right.sourceNodes]);
  const node = new StreamStreamJoinNode(mergeName, {
    thisWindowedName,
    otherWindowedName,
    thisName,
    otherName,
    thisSupplier: () => new KStreamKStreamJoinProcessor<K, V1, V2, V1, V2, VR>(spec, true, otherStore.name, joiner, leftOuter),
    otherSupplier: () => new KStreamKStreamJoinProcessor<K, V1, V2, V2, V1, VR>(spec, false, thisStore.name, (r, l, key) => joiner(l, r, key), rightOuter),
    mergeSupplier: () => new PassThrough(),
    thisStores: [otherStore, ...shared],
    otherStores: [thisStore, ...shared],
    copartitionTopics: () => builder.sourceTopicsOf(sourceNodes),
    selfJoin: leftOuter || rightOuter
      ? undefined
      : {
          // Both sides read the same stream: V1 and V2 are the same values.
          supplier: () => new KStreamKStreamSelfJoinProcessor<K, V1, VR>(windows.beforeMs, windows.afterMs, thisStore.name, (l, r, key) => joiner(l, r as unknown as V2, key)),
          storeName: thisStore.name,
        },
  });
  if (leftOuter || rightOuter) node.labels.add(NULL_KEY_RELAXED_JOIN);
  builder.addGraphNode([thisWindowed, otherWindowed], node);
  return { builder, node, name: mergeName, keySerde: joined?.keySerde, valueSerde: undefined, sourceNodes, repartitionRequired: false };
}

/** A side's buffer: a window store retaining duplicates, sized and retained by the join window (Kafka's `StreamJoinedStoreFactory`). */
function windowStore<K, V>(
  supplier: WindowBytesStoreSupplier | undefined,
  name: string,
  windows: JoinWindows,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  joined: StreamJoined<K, unknown, unknown> | undefined,
): StoreBuilder<StateStore> {
  const retention = windows.size() + windows.gracePeriodMs();
  if (supplier !== undefined) {
    if (!supplier.retainDuplicates) throw new StreamsException('The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false', 'TOPOLOGY');
    if (supplier.retentionPeriodMs !== retention || supplier.windowSizeMs !== windows.size()) {
      throw new StreamsException(`Window settings mismatch. WindowBytesStoreSupplier ${supplier.name} (retention ${supplier.retentionPeriodMs} ms, size ${supplier.windowSizeMs} ms) must match ${windows.toString()} for the window size and retention period`, 'TOPOLOGY');
    }
  }
  const builder = Stores.windowStoreBuilder(supplier ?? Stores.persistentWindowStore(name, retention, windows.size(), true), keySerde, valueSerde);
  if (joined === undefined || joined.loggingEnabled) builder.withLoggingEnabled(joined?.logConfig ?? {});
  else builder.withLoggingDisabled();
  return builder;
}

/** The store of records not joined yet (Kafka's `OuterStreamJoinStoreFactory`): bytes in, bytes out; `OuterJoinStore` encodes them. */
function outerJoinStore(
  thisGenerated: string,
  rightOuter: boolean,
  joined: StreamJoined<unknown, unknown, unknown> | undefined,
  thisSupplier: WindowBytesStoreSupplier | undefined,
): StoreBuilder<StateStore> {
  const suffix = rightOuter ? '-outer-shared-join' : '-left-shared-join';
  const base = thisSupplier !== undefined && thisSupplier.name !== ''
    ? thisSupplier.name + suffix
    : joined?.storeName !== undefined
      ? joined.storeName + suffix
      : Prefix.OUTERSHARED + thisGenerated.slice((rightOuter ? Prefix.OUTERTHIS : Prefix.JOINTHIS).length);
  const name = `${base}-store`;
  // The same kind of store as the buffers: in memory when the given buffer is.
  const supplier = thisSupplier !== undefined && !thisSupplier.persistent ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
  const builder = Stores.keyValueStoreBuilder(supplier, Serdes.ByteArray(), Serdes.ByteArray());
  if (joined === undefined || joined.loggingEnabled) builder.withLoggingEnabled(joined?.logConfig ?? {});
  else builder.withLoggingDisabled();
  return builder;
}
