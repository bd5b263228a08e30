/**
 * kstreams: Kafka Streams for TypeScript, with the state it builds queryable over GraphQL.
 * This file is the whole public API; nothing else is importable by users.
 */

/* Config and errors */
export { StreamsConfig } from './config.js';
export type { StreamsConfigInput, ProcessingGuarantee, ExceptionHandlerName, ProductionExceptionHandlerName, ProductionExceptionHandler, ProductionErrorContext, ProductionErrorRecord, TopologyOptimization, TopologyBuildConfig } from './config.js';
export {
  StreamsException, TopologyException, MissingSourceTopicException, ConfigException, IllegalStateException,
  DeserializationException, InvalidStateStoreException, TaskMigratedException, streamsErrorCodes,
} from './errors.js';
export type { StreamsErrorCode } from './errors.js';

/* Serdes */
export type { Serde } from './serde/serde.js';
export { Serdes } from './serde/serdes.js';

/* Kafka port (types only: users pick a backend through bootstrap.servers) */
export type { Header, TopicPartition } from './kafka/port.js';

/* Processor API */
export { Record } from './processor/record.js';
export type { RecordHeader, RecordHeaders } from './processor/record.js';
export type { RecordMetadata, RecordContext } from './processor/record-metadata.js';
export type { Processor, ProcessorSupplier } from './processor/processor.js';
export type { ProcessorContext } from './processor/processor-context.js';
export { FixedKeyRecord } from './processor/fixed-key-processor.js';
export type { FixedKeyProcessor, FixedKeyProcessorSupplier, FixedKeyProcessorContext } from './processor/fixed-key-processor.js';
export { PunctuationType } from './processor/punctuation.js';
export type { Punctuator, Cancellable } from './processor/punctuation.js';
export type { TopicNameExtractor } from './processor/topic-name-extractor.js';
export type { StreamPartitioner } from './processor/stream-partitioner.js';

/* Topology and DSL */
export { Topology } from './topology/topology.js';
export type { SourceOptions, SinkOptions } from './topology/topology.js';
export type {
  TopologyDescription, SubtopologyDescription, GlobalStoreDescription, NodeDescription,
  SourceNodeDescription, ProcessorNodeDescription, SinkNodeDescription,
} from './topology/topology-description.js';
export {
  FailOnInvalidTimestamp, LogAndSkipOnInvalidTimestamp, UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor,
  InvalidTimestampError,
} from './processor/timestamp-extractor.js';
export type { TimestampExtractor, InputRecord } from './processor/timestamp-extractor.js';
export { StreamsBuilder } from './dsl/streams-builder.js';
export type { KStream, BranchedKStream, BranchSpec } from './dsl/kstream.js';
export { Consumed } from './dsl/consumed.js';
export type { OffsetResetPolicy } from './dsl/consumed.js';
export { Produced } from './dsl/produced.js';
export { Printed } from './dsl/printed.js';
export { Named } from './dsl/named.js';
export { Repartitioned } from './dsl/repartitioned.js';
export { Branched } from './dsl/branched.js';
export type { Predicate, KeyValueMapper, ValueMapper, ForeachAction } from './dsl/functions.js';
export type { KTable } from './dsl/ktable.js';
export type { GlobalKTable } from './dsl/global-ktable.js';
export type { KGroupedStream } from './dsl/kgrouped-stream.js';
export type { KGroupedTable } from './dsl/kgrouped-table.js';
export type { CogroupedKStream } from './dsl/cogrouped-kstream.js';
export type { TimeWindowedCogroupedKStream } from './dsl/time-windowed-cogrouped-kstream.js';
export type { SessionWindowedCogroupedKStream } from './dsl/session-windowed-cogrouped-kstream.js';
export { Materialized } from './dsl/materialized.js';
export type { MaterializedStoreSupplier } from './dsl/materialized.js';
export { Grouped } from './dsl/grouped.js';
export { Joined } from './dsl/joined.js';
export { TableJoined } from './dsl/table-joined.js';
export { StreamJoined } from './dsl/stream-joined.js';
export type { ValueJoiner, Initializer, Aggregator, Reducer, ForeignKeyExtractor } from './dsl/functions.js';
export { TimeWindows } from './dsl/time-windows.js';
export { SlidingWindows } from './dsl/sliding-windows.js';
export { SessionWindows } from './dsl/session-windows.js';
export { JoinWindows } from './dsl/join-windows.js';
export type { TimeWindowedKStream } from './dsl/time-windowed-kstream.js';
export { EmitStrategy, type EmitStrategyType } from './dsl/emit-strategy.js';
export type { SessionWindowedKStream, Merger } from './dsl/session-windowed-kstream.js';
export { Suppressed, BufferConfig } from './dsl/suppressed.js';
export type { BufferFullStrategy } from './dsl/suppressed.js';
export { WindowedSerdes } from './dsl/windowed-serdes.js';
// Declares (and adds) KStream's table operators: groupByKey, groupBy, toTable, join/leftJoin with tables.
import './dsl/kstream-stateful-operators.js';

/* Runtime */
export { KafkaStreams, type LagInfo } from './runtime/kafka-streams.js';
export type { KafkaStreamsState, StateListener } from './runtime/streams-state.js';
export { StreamThreadExceptionResponse } from './runtime/uncaught-exception-handler.js';
export type { StreamsUncaughtExceptionHandler } from './runtime/uncaught-exception-handler.js';
export type { MetricValue } from './runtime/streams-metrics.js';
export type { StateRestoreListener } from './runtime/state-restore-listener.js';
export type { RestorationSnapshot } from './runtime/restoration-progress.js';
export type { StreamsMetadata } from './runtime/streams-metadata.js';
export type { TaskMetadata, ThreadMetadata } from './runtime/thread-metadata.js';
export type { StreamThreadState } from './runtime/stream-thread.js';

/* State stores */
export { Stores } from './state/stores.js';
export type { StateStore } from './state/state-store.js';
export type { KeyValue, KeyValueStore } from './state/key-value-store.js';
export type { StoreBuilder, StoreBuildContext, KeyValueBytesStoreSupplier } from './state/store-builder.js';
export type { KeyValueStoreBuilder } from './state/key-value-store-builder.js';
export type { TypedKeyValueStore } from './state/typed-key-value-store.js';
export { Window, TimeWindow, SessionWindow, Windowed } from './state/windowed.js';
export type { WindowStore, WindowStoreWrite } from './state/window-store.js';
export type { WindowStoreBuilder, WindowBytesStoreSupplier } from './state/window-store-builder.js';
export type { TypedWindowStore } from './state/typed-window-store.js';
export type { SessionStore, SessionStoreWrite } from './state/session-store.js';
export type { SessionStoreBuilder, SessionBytesStoreSupplier } from './state/session-store-builder.js';
export type { TypedSessionStore } from './state/typed-session-store.js';
export { ValueAndTimestamp } from './state/value-and-timestamp.js';
export type { TimestampedKeyValueStore } from './state/timestamped-key-value-store.js';
export type { TimestampedKeyValueStoreBuilder } from './state/timestamped-key-value-store-builder.js';
export type { CachedStateStore, CacheFlushListener, CacheFlushRecord } from './state/cache-flush-listener.js';

/* Interactive queries */
export { StoreQueryParameters } from './query/store-query-parameters.js';
export { QueryableStoreTypes } from './query/queryable-store-types.js';
export type { QueryableStoreType } from './query/queryable-store-types.js';
export type { ReadOnlyKeyValueStore, ReadOnlyWindowStore, ReadOnlySessionStore } from './query/read-only-stores.js';
export type { KeyQueryMetadata } from './query/key-query-metadata.js';
export { StateQueryRequest, InStore } from './query/state-query-request.js';
export { StateQueryResult, QueryResult } from './query/state-query-result.js';
export type { FailureReason } from './query/state-query-result.js';
export { KeyQuery, TimestampedKeyQuery, RangeQuery, TimestampedRangeQuery, WindowKeyQuery, WindowRangeQuery } from './query/queries.js';
export type { Query } from './query/queries.js';
export { UnknownStateStoreException, WrongStoreTypeException, BadKeyException, OwnerUnreachableException, QueryLimitException } from './query/query-errors.js';
export type { QueryLimits } from './query/query-router.js';
export type { ByteStore, QueryHost, QueryableStoreInfo, QueryableStoreKind, HostPartitions, LocalStorePartition, StoreChange } from './query/query-host.js';

/* Test driver */
export { TopologyTestDriver } from './test-driver/topology-test-driver.js';
export type { TestInputTopicOptions } from './test-driver/topology-test-driver.js';
export type { TestInputTopic } from './test-driver/test-input-topic.js';
export type { TestOutputTopic } from './test-driver/test-output-topic.js';
export type { TestRecord, TestKeyValue } from './test-driver/test-record.js';
