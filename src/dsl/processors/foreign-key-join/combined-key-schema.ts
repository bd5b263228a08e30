import type { LazySerde } from '../../internal/lazy-serde.js';

/** A subscription store key: the foreign key and the subscribing primary key (Kafka's `CombinedKey`). */
export interface CombinedKey<KO, K> {
  readonly foreignKey: KO;
  readonly primaryKey: K;
}

/**
 * The subscription store's key layout (Kafka's `CombinedKeySchema`): `int32 length of the foreign
 * key bytes ‖ foreign key bytes ‖ primary key bytes`, so one foreign key's subscriptions are one
 * prefix range, ordered by primary key bytes.
 */
export class CombinedKeySchema<KO, K> {
  constructor(
    private readonly foreignKeySerde: LazySerde<KO>,
    private readonly foreignKeyTopic: () => string,
    private readonly primaryKeySerde: LazySerde<K>,
    private readonly primaryKeyTopic: () => string,
  ) {}

  toBytes(foreignKey: KO, primaryKey: K): Buffer {
    return Buffer.concat([this.prefixBytes(foreignKey), this.primaryKeySerde.bytes(this.primaryKeyTopic(), primaryKey)]);
  }

  prefixBytes(foreignKey: KO): Buffer {
    const fk = this.foreignKeySerde.bytes(this.foreignKeyTopic(), foreignKey);
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(fk.length, 0);
    return Buffer.concat([length, fk]);
  }

  fromBytes(bytes: Buffer): CombinedKey<KO, K> {
    const length = bytes.readInt32BE(0);
    return {
      foreignKey: this.foreignKeySerde.serde.deserialize(this.foreignKeyTopic(), bytes.subarray(4, 4 + length)) as KO,
      primaryKey: this.primaryKeySerde.serde.deserialize(this.primaryKeyTopic(), bytes.subarray(4 + length)) as K,
    };
  }
}
