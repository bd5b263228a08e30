import type { StreamPartitioner } from '../../processor/stream-partitioner.js';
import { Serdes } from '../../serde/serdes.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import { Stores } from '../../state/stores.js';
import type { ForeignKeyExtractor, ValueJoiner } from '../functions.js';
import { Materialized } from '../materialized.js';
import { ForeignTableJoinProcessor } from '../processors/foreign-key-join/foreign-table-join.js';
import { ForeignKeyJoinSpec } from '../processors/foreign-key-join/foreign-key-join-spec.js';
import { ResponseJoinProcessor } from '../processors/foreign-key-join/response-join.js';
import { SubscriptionJoinProcessor } from '../processors/foreign-key-join/subscription-join.js';
import { SubscriptionReceiveProcessor } from '../processors/foreign-key-join/subscription-receive.js';
import { SubscriptionSendProcessor } from '../processors/foreign-key-join/subscription-send.js';
import type { SubscriptionResponseWrapper } from '../processors/foreign-key-join/subscription-wrapper.js';
import { KTableSource } from '../processors/ktable-source.js';
import type { TableJoined } from '../table-joined.js';
import { InternalTopicSinkNode } from './internal-topic-sink-node.js';
import { TableState } from './ktable-processor-supplier.js';
import { MaterializedInternal, storeBuilderOf } from './materialized-internal.js';
import { TablePrefix } from './stateful-name-prefixes.js';
import { suffixedOrElseGenerate } from './naming.js';
import { StatefulProcessorNode } from './stateful-processor-node.js';
import { StreamSourceNode } from './stream-source-node.js';
import type { TableHandle } from './table-handle.js';

/** Kafka's `KTableImpl` prefixes of the foreign-key join's names. */
const FK = {
  SUBSCRIPTION_REGISTRATION: 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-',
  SUBSCRIPTION_RESPONSE: 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-',
  SUBSCRIPTION_PROCESSOR: 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-',
  RESPONSE_RESOLVER: 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-',
  STATE_STORE: 'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-',
  OUTPUT: 'KTABLE-FK-JOIN-OUTPUT-',
  SINK: 'KTABLE-SINK-',
  TOPIC_SUFFIX: '-topic',
} as const;

/**
 * Adds a foreign-key table-table join to the graph (Kafka's `KTableImpl.doJoinOnForeignKey`):
 *
 * 1. each update of a primary row sends subscription instructions, keyed by foreign key, to the
 *    subscription topic, which is co-partitioned with the foreign table;
 * 2. there the subscriptions are stored (prefix `foreign key`) and answered with the foreign
 *    value; each update of the foreign table answers every subscriber;
 * 3. the answers go back, keyed by primary key, through the response topic (to the partition the
 *    primary row came from), where answers computed for an older primary value (another hash)
 *    are dropped and the rest are joined with the current primary value;
 * 4. the results form a table (`KTABLE-FK-JOIN-OUTPUT-<n>`), materialized when named.
 *
 * Names are drawn in Kafka's order, so `describe()` reads as Kafka's.
 */
export function buildForeignKeyJoin<K, V, KO, VO, VR>(
  self: TableHandle<K, V>,
  other: TableHandle<KO, VO>,
  extractor: ForeignKeyExtractor<K, V, KO>,
  joiner: ValueJoiner<V | null, VO | null, VR, K>,
  tableJoined: TableJoined<K, KO> | undefined,
  materialized: Materialized<K, VR> | undefined,
  leftJoin: boolean,
): TableHandle<K, VR> {
  const builder = self.builder;
  const name = tableJoined?.name;
  const named = (suffix: string, prefix: string): string => suffixedOrElseGenerate(builder, name, suffix, prefix);
  // The foreign table's old values spare needless answers; the primary table's tell which foreign key a row left.
  other.state.enableSendingOldValues(true);
  self.state.enableSendingOldValues(true);

  const subscriptionTopic = named('-subscription-registration', FK.SUBSCRIPTION_REGISTRATION) + FK.TOPIC_SUFFIX;
  const spec = new ForeignKeyJoinSpec<K, V, KO, VO>(subscriptionTopic, {
    primaryKey: self.keySerde,
    primaryValue: self.valueSerde,
    foreignKey: other.keySerde,
    foreignValue: other.valueSerde,
  });

  const send = new StatefulProcessorNode(named('-subscription-registration-processor', FK.SUBSCRIPTION_REGISTRATION), () => new SubscriptionSendProcessor<K, V, KO>(spec, extractor, leftJoin));
  builder.addGraphNode(self.node, send);
  const otherPartitioner = tableJoined?.otherPartitioner;
  const subscriptionSink = new InternalTopicSinkNode(
    named('-subscription-registration-sink', FK.SINK),
    subscriptionTopic,
    spec.foreignKey,
    spec.subscriptionSerde,
    otherPartitioner === undefined ? undefined : (topic, key, _value, partitions) => otherPartitioner(topic, key as KO, null, partitions),
  );
  builder.addGraphNode(send, subscriptionSink);
  const subscriptionSource = new StreamSourceNode(named('-subscription-registration-source', TablePrefix.SOURCE), [subscriptionTopic], {
    keySerde: spec.foreignKey,
    valueSerde: spec.subscriptionSerde,
    timestampExtractor: undefined,
    offsetReset: undefined,
  });
  builder.addGraphNode(subscriptionSink, subscriptionSource);

  const storeName = named('-subscription-store', FK.STATE_STORE);
  const subscriptionStore: StoreBuilder<StateStore> = Stores.timestampedKeyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.ByteArray(), spec.subscriptionSerde)
    .withCachingDisabled();
  const subscriptionSideSources = new Set([...other.sourceNodes, subscriptionSource.nodeName]);
  const receive = new StatefulProcessorNode(named('-subscription-receive', FK.SUBSCRIPTION_PROCESSOR), () => new SubscriptionReceiveProcessor<K, KO>(spec, storeName), {
    stores: () => [subscriptionStore],
    // The subscription topic is read with the foreign table: they must be co-partitioned.
    copartitionTopics: () => builder.sourceTopicsOf(subscriptionSideSources),
  });
  builder.addGraphNode(subscriptionSource, receive);

  const foreignValues = other.state.valueGetterSupplier();
  const answer = new StatefulProcessorNode(named('-subscription-join-foreign', FK.SUBSCRIPTION_PROCESSOR), () => new SubscriptionJoinProcessor<K, KO, VO>(spec, foreignValues.get()), {
    connectedStores: foreignValues.storeNames(),
  });
  builder.addGraphNode(receive, answer);
  const foreignUpdates = new StatefulProcessorNode(named('-foreign-join-subscription', FK.SUBSCRIPTION_PROCESSOR), () => new ForeignTableJoinProcessor<K, KO, VO>(spec, storeName), {
    stores: () => [subscriptionStore],
  });
  builder.addGraphNode(other.node, foreignUpdates);

  const responseTopic = named('-subscription-response', FK.SUBSCRIPTION_RESPONSE) + FK.TOPIC_SUFFIX;
  const partitioner = tableJoined?.partitioner;
  // By default an answer goes back to the partition its primary row came from.
  const responsePartitioner: StreamPartitioner<unknown, unknown> = partitioner === undefined
    ? (_topic, _key, value) => {
      const partition = (value as SubscriptionResponseWrapper<VO>).primaryPartition;
      return partition >= 0 ? partition : undefined;
    }
    : (topic, key, _value, partitions) => partitioner(topic, key as K, null, partitions);
  const responseSink = new InternalTopicSinkNode(named('-subscription-response-sink', FK.SINK), responseTopic, spec.primaryKey, spec.responseSerde, responsePartitioner);
  builder.addGraphNode([answer, foreignUpdates], responseSink);
  const responseSource = new StreamSourceNode(named('-subscription-response-source', TablePrefix.SOURCE), [responseTopic], {
    keySerde: spec.primaryKey,
    valueSerde: spec.responseSerde,
    timestampExtractor: undefined,
    offsetReset: undefined,
  });
  builder.addGraphNode(responseSink, responseSource);

  const resultSources = new Set([...self.sourceNodes, responseSource.nodeName]);
  const primaryValues = self.state.valueGetterSupplier();
  const resolve = new StatefulProcessorNode(
    named('-subscription-response-resolver', FK.RESPONSE_RESOLVER),
    () => new ResponseJoinProcessor<K, V, VO, VR>(spec, primaryValues.get(), joiner, leftJoin),
    {
      connectedStores: primaryValues.storeNames(),
      // The response topic is read with the primary table: they must be co-partitioned.
      copartitionTopics: () => builder.sourceTopicsOf(resultSources),
    },
  );
  builder.addGraphNode(responseSource, resolve);

  const resultName = named('-result', FK.OUTPUT);
  const mi = new MaterializedInternal(materialized ?? Materialized.with<K, VR>(), builder, FK.OUTPUT).keySerdeIfUnset(self.keySerde);
  const result = new KTableSource<K, VR>(mi.storeName, mi.queryableStoreName, storeBuilderOf(mi));
  const resultNode = new StatefulProcessorNode(resultName, result, { stores: () => result.stores() });
  builder.addGraphNode(resolve, resultNode);
  return {
    builder,
    node: resultNode,
    name: resultName,
    keySerde: self.keySerde,
    valueSerde: mi.valueSerde,
    sourceNodes: resultSources,
    queryableStoreName: mi.queryableStoreName,
    state: new TableState(result),
  };
}
