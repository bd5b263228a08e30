import type { StreamPartitioner } from '../processor/stream-partitioner.js';
import { validateName } from './named.js';

/**
 * How a foreign-key table join writes its internal topics (Kafka's `TableJoined`): a name for its
 * nodes, store and topics (`<name>-subscription-registration-topic`, …), and partitioners when a
 * table's topic is not partitioned by the default partitioner: `partitioner` for this (primary)
 * table, `otherPartitioner` for the foreign table. Immutable: every `with*` returns a copy.
 *
 * @example orders.join(customers, (o) => o.customerId, joiner, TableJoined.as('order-customer'))
 */
export class TableJoined<K, KO> {
  private constructor(
    readonly partitioner: StreamPartitioner<K, unknown> | undefined,
    readonly otherPartitioner: StreamPartitioner<KO, unknown> | undefined,
    readonly name: string | undefined,
  ) {}

  /** Partitioners of this table's and of the foreign table's topics. */
  static with<K, KO>(partitioner?: StreamPartitioner<K, unknown>, otherPartitioner?: StreamPartitioner<KO, unknown>): TableJoined<K, KO> {
    return new TableJoined(partitioner, otherPartitioner, undefined);
  }

  /** Only a name. */
  static as<K, KO>(name: string): TableJoined<K, KO> {
    validateName(name);
    return new TableJoined<K, KO>(undefined, undefined, name);
  }

  withName(name: string): TableJoined<K, KO> {
    validateName(name);
    return new TableJoined(this.partitioner, this.otherPartitioner, name);
  }

  withPartitioner(partitioner: StreamPartitioner<K, unknown>): TableJoined<K, KO> {
    return new TableJoined(partitioner, this.otherPartitioner, this.name);
  }

  withOtherPartitioner(otherPartitioner: StreamPartitioner<KO, unknown>): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, otherPartitioner, this.name);
  }
}
