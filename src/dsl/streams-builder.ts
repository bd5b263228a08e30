import { parseTopologyOptimization, type TopologyBuildConfig } from '../config.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreBuilder } from '../state/store-builder.js';
import { Topology } from '../topology/topology.js';
import { describeValue, requireInstanceOrUndefined } from './internal/arguments.js';
import { InternalStreamsBuilder } from './internal/internal-streams-builder.js';
import { NamePrefix } from './internal/name-prefixes.js';
import { StateStoreNode } from './internal/state-store-node.js';
import { StreamSourceNode } from './internal/stream-source-node.js';
import { addTableSource } from './internal/table-sources.js';
import { Consumed } from './consumed.js';
import type { GlobalKTable } from './global-ktable.js';
import { KStream } from './kstream.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';

/**
 * Builds a topology with the Streams DSL (Kafka's `StreamsBuilder`): start streams from topics,
 * chain operators, then `build()` the `Topology` to run with `KafkaStreams` or test with a
 * `TopologyTestDriver`.
 *
 * Node names are generated as Kafka Streams generates them, from one counter per builder
 * (`KSTREAM-SOURCE-0000000000`, `KSTREAM-FILTER-0000000001`, …), so `topology.describe()` prints
 * what Kafka Streams prints for the same program.
 *
 * @example
 * const builder = new StreamsBuilder();
 * builder.stream<string, string>('stream_log')
 *   .filter((key, value) => value.length > 5)
 *   .to('stream_log_filter');
 * const topology = builder.build();
 */
export class StreamsBuilder {
  readonly #internal = new InternalStreamsBuilder(new Topology());

  /**
   * A stream of the records of one or more topics (one source node reading them all).
   *
   * @param topics a topic or a non-empty list of topics; each topic may be read by one source only
   * @param consumed serdes (default: the config's defaults), timestamp extractor, offset reset
   *   policy, and the source's name (default `KSTREAM-SOURCE-<n>`)
   * @throws TypeError when no topic is given
   */
  stream<K, V>(topics: string | readonly string[], consumed?: Consumed<K, V>): KStream<K, V> {
    const list = typeof topics === 'string' ? [topics] : Array.isArray(topics) ? [...(topics as readonly string[])] : undefined;
    if (list === undefined || list.length === 0 || list.some((t) => typeof t !== 'string' || t.length === 0)) {
      throw new TypeError(`stream(): topics must be a topic name or a non-empty list of topic names, but got: ${describeValue(topics)}`);
    }
    requireInstanceOrUndefined(consumed, (v) => v instanceof Consumed, 'Consumed', 'stream()');
    const builder = this.#internal;
    const generated = builder.newProcessorName(NamePrefix.SOURCE);
    const name = consumed?.processorName ?? generated;
    const node = new StreamSourceNode(name, list, {
      keySerde: consumed?.keySerde,
      valueSerde: consumed?.valueSerde,
      timestampExtractor: consumed?.timestampExtractor,
      offsetReset: consumed?.offsetResetPolicy,
    });
    builder.addGraphNode(builder.root, node);
    return new KStream<K, V>({
      builder,
      node,
      name,
      keySerde: consumed?.keySerde,
      valueSerde: consumed?.valueSerde,
      sourceNodes: new Set([name]),
      repartitionRequired: false,
    });
  }

  /**
   * A table of the latest value per key of a topic (a changelog: each record updates its key, a
   * `null` value deletes it, a null key is dropped). Nodes: `KSTREAM-SOURCE-<n>` and
   * `KTABLE-SOURCE-<n>` (or `<Consumed name>-source` and the Consumed name). The table gets a
   * store when `materialized` names one (then it is queryable under that name) or when a later
   * operator needs one (a join, `groupBy`); its generated name is `<topic>-STATE-STORE-<n>`.
   * The topic should be compacted and partitioned by key.
   *
   * @param consumed serdes, timestamp extractor, offset reset, name; or the `Materialized` (then no third argument)
   * @param materialized the store: name (queryable), supplier, caching, logging, serdes
   * @example const addresses = builder.table<string, string>('address', Materialized.as('address'))
   */
  table<K, V>(topic: string, consumed?: Consumed<K, V> | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return addTableSource(this.#internal, 'table()', topic, consumed, materialized) as KTable<K, V>;
  }

  /**
   * A table every instance holds in full: each reads all partitions of the topic into its own
   * store before processing starts (a global store, not part of any task). Streams join it with
   * a key selector and need no co-partitioning. Its store is always materialized, named
   * `<topic>-STATE-STORE-<n>` unless `materialized` names it, and has no changelog (the topic is
   * its changelog).
   *
   * @param consumed serdes, timestamp extractor, name; or the `Materialized` (then no third argument)
   * @example const addresses = builder.globalTable<string, string>('address_v2')
   */
  globalTable<K, V>(topic: string, consumed?: Consumed<K, V> | Materialized<K, V>, materialized?: Materialized<K, V>): GlobalKTable<K, V> {
    return addTableSource(this.#internal, 'globalTable()', topic, consumed, materialized) as GlobalKTable<K, V>;
  }

  /**
   * Adds a state store that `process()` / `processValues()` processors name to use it (Kafka's
   * `StreamsBuilder.addStateStore`). Each task gets its own copy; processors get it with
   * `context.getStateStore(name)`. Add it before the processors that use it.
   *
   * @example
   * builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('seen'), Serdes.String(), Serdes.String()));
   * builder.stream<string, string>('in').process(() => new Dedupe(), 'seen').to('out');
   */
  addStateStore(storeBuilder: StoreBuilder<StateStore>): this {
    if (storeBuilder === null || typeof storeBuilder !== 'object' || typeof storeBuilder.build !== 'function') {
      throw new TypeError(`addStateStore(): storeBuilder must be a StoreBuilder (e.g. Stores.keyValueStoreBuilder(...)), but got: ${describeValue(storeBuilder)}`);
    }
    this.#internal.addGraphNode(this.#internal.root, new StateStoreNode(storeBuilder));
    return this;
  }

  /**
   * The topology of everything defined so far. Returns the same `Topology` each time; nodes
   * added after a `build()` are written by the next `build()`.
   *
   * Optimizations apply here, as with Kafka's `StreamsBuilder.build(props)`: pass the config
   * (the same object as for `KafkaStreams` will do) to apply its `topology.optimization`.
   * `'reuse.ktable.source.topics'` makes each materialized `table()` use its input topic as
   * its store's changelog: no `<application.id>-<store>-changelog` topic is created or
   * written, a task restores the store from its partition of the input topic up to the
   * application's committed offset, and standbys follow the input topic. `describe()` is the
   * same. Only do this for an input topic that is compacted (or keeps everything) and is not
   * written with a different serde than the table reads: the store is restored from its bytes.
   * `'merge.repartition.topics'` gives all the aggregations and joins below one key change
   * (`selectKey`, `map`, `flatMap`, `groupBy`) one repartition topic, right after it, instead
   * of one each; the results are the same, the internal topics and `describe()` change.
   * `'single.store.self.join'` makes an inner `join` of a stream with itself keep one window
   * store instead of two (same output; `describe()` shows one `KSTREAM-WINDOWED` node and the
   * join as one processor named `KSTREAM-MERGE-<n>`). `'all'` applies all three.
   *
   * @param config `topology.optimization`: `'none'` (default), `'all'`, or a comma-separated list
   *   of `'reuse.ktable.source.topics'`, `'merge.repartition.topics'`, `'single.store.self.join'`;
   *   other keys are ignored
   * @throws ConfigException when `topology.optimization` is not valid
   * @throws TopologyException when the program is invalid (e.g. two sources read one topic, or
   *   two nodes share a name), or nodes were added since a `build()` with other optimizations
   * @example
   * const config = { 'application.id': 'orders-app', 'bootstrap.servers': 'localhost:9092',
   *   'topology.optimization': StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS };
   * builder.table<string, string>('address', Materialized.as('address'));
   * const streams = new KafkaStreams(builder.build(config), config);  // no orders-app-address-changelog
   */
  build(config?: TopologyBuildConfig): Topology {
    return this.#internal.buildTopology(parseTopologyOptimization(config?.['topology.optimization']));
  }
}
