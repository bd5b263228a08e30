import { StreamsException } from '../../../errors.js';
import type { Serde } from '../../../serde/serde.js';
import type { LazySerde } from '../../internal/lazy-serde.js';

/**
 * What the primary table's side asks of the foreign side (Kafka's `SubscriptionWrapper.Instruction`),
 * with Kafka's byte values.
 */
export const Instruction = {
  /** The record left this foreign key: forget the subscription, send nothing. */
  DELETE_KEY_NO_PROPAGATE: 0,
  /** The record left this foreign key (and has no other): forget it and send a tombstone. */
  DELETE_KEY_AND_PROPAGATE: 1,
  /** Send the foreign value, or null when there is none (a changed key; left joins). */
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  /** Send the foreign value only if there is one (a first subscription of an inner join). */
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
} as const;
export type Instruction = (typeof Instruction)[keyof typeof Instruction];

/** A subscription of a primary-table record to a foreign key (Kafka's `SubscriptionWrapper`, version 1). */
export interface SubscriptionWrapper<K> {
  /** Murmur3 hash of the primary record's serialized value; null when the record was deleted. */
  readonly hash: Buffer | null;
  readonly instruction: Instruction;
  readonly primaryKey: K;
  /** The partition of the primary record, where the response goes back to. */
  readonly primaryPartition: number;
}

const VERSION = 1;
const HASH_ABSENT = 0x80;

/**
 * Kafka's `SubscriptionWrapperSerde` layout: `version (| 0x80 without hash) ‖ instruction ‖
 * [hash 16 bytes] ‖ primary key bytes ‖ primary partition (int32)`; version 0 has no partition.
 */
export class SubscriptionWrapperSerde<K> implements Serde<SubscriptionWrapper<K>> {
  constructor(
    private readonly primaryKeySerde: LazySerde<K>,
    private readonly primaryKeyTopic: () => string,
  ) {}

  serialize(_topic: string, data: SubscriptionWrapper<K> | null): Buffer | null {
    if (data === null) return null;
    const key = this.primaryKeySerde.bytes(this.primaryKeyTopic(), data.primaryKey);
    const head = Buffer.of(data.hash === null ? VERSION | HASH_ABSENT : VERSION, data.instruction);
    const partition = Buffer.allocUnsafe(4);
    partition.writeInt32BE(data.primaryPartition, 0);
    return Buffer.concat(data.hash === null ? [head, key, partition] : [head, data.hash, key, partition]);
  }

  deserialize(_topic: string, data: Buffer | null): SubscriptionWrapper<K> | null {
    if (data === null) return null;
    const first = data[0] as number;
    const version = first & 0x7f;
    if (version > VERSION) throw new StreamsException(`SubscriptionWrapper is of an incompatible version: ${version}`, 'DESERIALIZATION');
    const instruction = data[1] as Instruction;
    const hash = (first & HASH_ABSENT) !== 0 ? null : Buffer.from(data.subarray(2, 18));
    const keyStart = hash === null ? 2 : 18;
    const keyEnd = version > 0 ? data.length - 4 : data.length;
    const primaryKey = this.primaryKeySerde.serde.deserialize(this.primaryKeyTopic(), data.subarray(keyStart, keyEnd)) as K;
    return { hash, instruction, primaryKey, primaryPartition: version > 0 ? data.readInt32BE(keyEnd) : -1 };
  }
}

/** The foreign side's answer (Kafka's `SubscriptionResponseWrapper`, version 0). */
export interface SubscriptionResponseWrapper<VO> {
  /** The hash of the primary value the subscription was made for; a response whose hash no longer matches is stale. */
  readonly originalValueHash: Buffer | null;
  readonly foreignValue: VO | null;
  /** Where to send it (not serialized); -1 when unknown. */
  readonly primaryPartition: number;
}

/** Kafka's `SubscriptionResponseWrapperSerde` layout: `version (| 0x80 without hash) ‖ [hash 16 bytes] ‖ [foreign value bytes]`. */
export class SubscriptionResponseWrapperSerde<VO> implements Serde<SubscriptionResponseWrapper<VO>> {
  constructor(private readonly foreignValueSerde: LazySerde<VO>) {}

  serialize(topic: string, data: SubscriptionResponseWrapper<VO> | null): Buffer | null {
    if (data === null) return null;
    const value = data.foreignValue === null ? null : this.foreignValueSerde.serde.serialize(topic, data.foreignValue);
    const head = Buffer.of(data.originalValueHash === null ? HASH_ABSENT : 0);
    return Buffer.concat([head, ...(data.originalValueHash === null ? [] : [data.originalValueHash]), ...(value === null ? [] : [value])]);
  }

  deserialize(topic: string, data: Buffer | null): SubscriptionResponseWrapper<VO> | null {
    if (data === null) return null;
    const hashAbsent = ((data[0] as number) & HASH_ABSENT) !== 0;
    const valueStart = hashAbsent ? 1 : 17;
    return {
      originalValueHash: hashAbsent ? null : Buffer.from(data.subarray(1, 17)),
      foreignValue: data.length > valueStart ? (this.foreignValueSerde.serde.deserialize(topic, data.subarray(valueStart)) as VO) : null,
      primaryPartition: -1,
    };
  }
}
