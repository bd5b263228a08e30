/**
 * kafkajs, imported once. kafkajs is CommonJS and Node cannot see all of its exports as ESM
 * named exports, so the values come off the default export here and every other file of the
 * adapter imports them from this one.
 *
 * The adapter leans on a few kafkajs internals that its type declarations do not describe
 * (JoinGroup/SyncGroup on the coordinator, the raw Fetch response). kafkajs is pinned to 2.2.4
 * in package.json, so the shapes below are those of that version's `src/`.
 */
// Before kafkajs: its produce path must load the faster encoders (see there).
import './produce-encoding.js';
import './produce-request-encoding.js';
import kafkajs from 'kafkajs';
import type { Broker, Cluster } from 'kafkajs';

export const { Kafka, AssignerProtocol, Partitioners, PartitionAssigners, ConfigResourceTypes, KafkaJSProtocolError } = kafkajs;

/** kafkajs's log levels (its `logLevel` enum, as plain numbers). */
export const KafkajsLogLevel = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;

/** kafkajs's isolation levels on Fetch and ListOffsets (`src/protocol/isolationLevel.js`). */
export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const;

/** The group protocol entry a member offers in JoinGroup (`Assigner.protocol()` output). */
export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** `Broker.joinGroup` request (kafkajs `src/broker/index.js`). */
export interface JoinGroupRequest {
  readonly groupId: string;
  readonly sessionTimeout: number;
  readonly rebalanceTimeout: number;
  readonly memberId: string;
  readonly protocolType?: string;
  readonly groupProtocols: readonly GroupProtocol[];
}

export interface JoinGroupResponse {
  readonly generationId: number;
  readonly leaderId: string;
  readonly memberId: string;
  readonly groupProtocol: string;
}

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
}

export interface SyncGroupResponse {
  /** This member's assignment as the leader encoded it (ConsumerProtocol Assignment, with userData). */
  readonly memberAssignment: Buffer;
}

/** The coordinator broker as the consumer group uses it; kafkajs's `Broker` type omits these. */
export interface CoordinatorBroker extends Broker {
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse>;
  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse>;
  heartbeat(request: { groupId: string; groupGenerationId: number; memberId: string }): Promise<unknown>;
}

/** A record as kafkajs's RecordBatch decoder returns it (`src/protocol/recordBatch/record/v0/decoder.js`). */
export interface RawRecord {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, Buffer | null | readonly (Buffer | null)[] | undefined>>;
  readonly isControlRecord?: boolean;
  readonly batchContext?: {
    readonly firstOffset: string;
    readonly lastOffsetDelta: number;
    readonly producerId: string;
    readonly inTransaction: boolean;
  };
}

export interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

/** One partition of a Fetch v4+ response (`src/protocol/requests/fetch/v11/response.js`). */
export interface FetchPartitionResponse {
  readonly partition: number;
  readonly highWatermark: string;
  readonly lastStableOffset?: string;
  readonly abortedTransactions?: readonly AbortedTransaction[];
  readonly messages: readonly RawRecord[];
}

export interface FetchResponse {
  readonly responses: readonly { readonly topicName: string; readonly partitions: readonly FetchPartitionResponse[] }[];
}

export type { Broker, Cluster };
