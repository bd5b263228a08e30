import { TopologyException } from '../../errors.js';
import type { Topology } from '../../topology/topology.js';
import type { KTableSource } from '../processors/ktable-source.js';
import { GraphNode } from './graph-node.js';
import { sourceOptions } from './source-options.js';
import type { SourceSpec } from './stream-source-node.js';

/**
 * `builder.table(topic)` / `builder.globalTable(topic)` (Kafka's `TableSourceNode`): a source
 * node reading the topic (`KSTREAM-SOURCE-<n>`, or `<Consumed name>-source`) and the table's
 * `KTableSource` processor after it (`KTABLE-SOURCE-<n>`), which children connect to. The store
 * is added only if the table ended up materialized, which later operators decide, so it is read
 * when the graph is written. A global table is written as a global store instead: no task runs
 * it, every instance reads all of the topic into the store.
 */
export class TableSourceNode extends GraphNode {
  /**
   * Set by `topology.optimization=reuse.ktable.source.topics` (Kafka's
   * `reuseSourceTopicForChangeLog`): a materialized table's store logs nothing and uses the
   * source topic as its changelog.
   */
  reuseSourceTopicForChangelog = false;

  constructor(
    /** The `KTableSource` processor's name. */
    nodeName: string,
    readonly sourceName: string,
    readonly topic: string,
    readonly spec: SourceSpec,
    readonly supplier: KTableSource<unknown, unknown>,
    readonly global: boolean,
  ) {
    super(nodeName);
  }

  /** A global table's topic is no task's input, so it takes no part in co-partitioning. */
  override readsTopics(): readonly string[] {
    return this.global ? [] : [this.topic];
  }

  writeTo(topology: Topology): void {
    if (this.global) {
      const [store] = this.supplier.stores();
      if (store === undefined) throw new TopologyException(`Global table ${this.nodeName} of topic ${this.topic} has no store`);
      topology.addGlobalStore(store, this.sourceName, this.topic, sourceOptions(this.spec), this.nodeName, this.supplier as never);
      return;
    }
    topology.addSource(this.sourceName, this.topic, sourceOptions(this.spec));
    topology.addProcessor(this.nodeName, this.supplier, this.sourceName);
    for (const store of this.supplier.stores()) {
      topology.addStateStore(store, this.nodeName);
      if (this.reuseSourceTopicForChangelog) {
        store.withLoggingDisabled();
        topology.connectSourceStoreAndTopic(store.name, this.topic);
      }
    }
  }
}
