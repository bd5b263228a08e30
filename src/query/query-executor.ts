import { InvalidStateStoreException } from '../errors.js';
import type { KeyValue, KeyValueStore } from '../state/key-value-store.js';
import type { SessionStore } from '../state/session-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import type { WindowStore } from '../state/window-store.js';
import { Windowed } from '../state/windowed.js';
import { queryableStore } from './local-store-resolver.js';
import { mapEntries } from './merge-scans.js';
import type { KeyQuery, Query, RangeQuery, TimestampedKeyQuery, TimestampedRangeQuery, WindowKeyQuery, WindowRangeQuery } from './queries.js';
import type { LocalStorePartition, QueryHost, QueryableStoreInfo } from './query-host.js';
import { StoreCodec } from './store-codec.js';
import type { StateQueryRequest } from './state-query-request.js';
import { QueryResult, StateQueryResult } from './state-query-result.js';

type Codec = StoreCodec<unknown, unknown>;

/**
 * Runs `request` on this instance's local partitions of its store, as Kafka Streams'
 * `KafkaStreams.query` (KIP-796): every local copy — active, standby or restoring — answers
 * unless `requireActive()` (then only running active tasks; others get NOT_ACTIVE); requested
 * partitions not held here get NOT_PRESENT. Per-partition problems are results, never throws.
 * @throws InvalidStateStoreException when the client is not RUNNING/REBALANCING (Kafka's
 *   StreamsNotStartedException / StreamsStoppedException), `UNKNOWN_STORE` for an unknown store
 */
export async function executeQuery<R>(host: QueryHost, request: StateQueryRequest<R>): Promise<StateQueryResult<R>> {
  const state = host.state();
  if (state === 'CREATED') throw new InvalidStateStoreException('KafkaStreams has not been started, you can retry after calling start().');
  if (state !== 'RUNNING' && state !== 'REBALANCING') throw new InvalidStateStoreException(`KafkaStreams has been stopped (${state}). This instance can no longer serve queries.`);
  const info = queryableStore(host, request.storeName);
  const codec: Codec = new StoreCodec(info);
  const out = new StateQueryResult<R>();
  const wanted = request.partitions;
  for (const local of host.localStores(info.name)) {
    if (wanted !== undefined && !wanted.has(local.partition)) continue;
    const running = local.active && local.state === 'RUNNING';
    if (request.requireActiveTask && !running) {
      const copy = local.active ? 'RESTORING' : 'STANDBY';
      out.addResult(local.partition, QueryResult.forFailure('NOT_ACTIVE', `Query requires a running active task, but partition ${local.partition} was in state ${copy} and was ${local.active ? 'active' : 'not active'}.`));
      continue;
    }
    const started = process.hrtime.bigint();
    const result = await runOn(request.query, info, codec, local);
    if (request.executionInfoEnabled) {
      const copy = local.active ? (running ? 'active' : 'restoring active') : 'standby';
      result.addExecutionInfo(`Handled ${request.query.type} query in ${info.kind} store ${info.name}, partition ${local.partition} (${copy} copy) in ${process.hrtime.bigint() - started}ns`);
    }
    out.addResult(local.partition, result as QueryResult<R>);
  }
  for (const p of wanted ?? []) {
    if (out.getPartitionResults().has(p)) continue;
    out.addResult(p, p >= info.partitions
      ? QueryResult.forFailure('DOES_NOT_EXIST', `Store ${info.name} has ${info.partitions} partitions; partition ${p} does not exist.`)
      : QueryResult.forFailure('NOT_PRESENT', `The requested partition ${p} was not present at the time of the query.`));
  }
  return out;
}

/** One partition's answer; a store that throws gives STORE_EXCEPTION, as Kafka's stores do. */
async function runOn(query: Query<unknown>, info: QueryableStoreInfo, codec: Codec, local: LocalStorePartition): Promise<QueryResult<unknown>> {
  try {
    const answer = await answerOf(query, info, codec, local);
    return answer ?? QueryResult.forFailure('UNKNOWN_QUERY_TYPE', `This ${info.kind} store (${info.name}) doesn't know how to execute the given query (${query.type}).`);
  } catch (e) {
    return QueryResult.forFailure('STORE_EXCEPTION', `Store ${info.name} partition ${local.partition} failed to execute the ${query.type} query: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The result of `query` on one byte store, or `undefined` when the store's kind cannot answer it. */
async function answerOf(query: Query<unknown>, info: QueryableStoreInfo, codec: Codec, local: LocalStorePartition): Promise<QueryResult<unknown> | undefined> {
  switch (info.kind) {
    case 'keyValue': {
      const store = local.store as KeyValueStore<Buffer, Buffer>;
      const timestamped = (bytes: Buffer): ValueAndTimestamp<unknown> => ValueAndTimestamp.makeAllowNullable(codec.value(bytes), codec.timestamp(bytes)!);
      switch (query.type) {
        case 'key': {
          const found = await store.get(codec.keyBytes((query as KeyQuery<unknown, unknown>).key));
          return QueryResult.forResult(found === undefined ? undefined : codec.value(found));
        }
        case 'timestampedKey': {
          if (!info.timestamped) return undefined;
          const found = await store.get(codec.keyBytes((query as TimestampedKeyQuery<unknown, unknown>).key));
          return QueryResult.forResult(found === undefined ? undefined : timestamped(found));
        }
        case 'range':
        case 'timestampedRange': {
          const q = query as RangeQuery<unknown, unknown> | TimestampedRangeQuery<unknown, unknown>;
          if (q.type === 'timestampedRange' && !info.timestamped) return undefined;
          const [from, to] = [codec.bound(q.lower), codec.bound(q.upper)];
          const scan = q.descending ? store.reverseRange(from, to) : store.range(from, to);
          const value = q.type === 'range' ? (b: Buffer) => codec.value(b) : timestamped;
          return QueryResult.forResult(mapEntries(scan, ({ key, value: v }): KeyValue<unknown, unknown> => ({ key: codec.key(key), value: value(v) })));
        }
        default:
          return undefined;
      }
    }
    case 'window': {
      const store = local.store as WindowStore<Buffer, Buffer>;
      if (query.type === 'windowKey') {
        const q = query as WindowKeyQuery<unknown, unknown>;
        return QueryResult.forResult(mapEntries(store.fetch(codec.keyBytes(q.key), q.fromTime, q.toTime), ({ key, value }) => ({ key, value: codec.value(value) })));
      }
      const q = query as WindowRangeQuery<unknown, unknown>;
      // Kafka's window stores answer only the time-range form (all keys); the key form is for sessions.
      if (query.type !== 'windowRange' || q.fromTime === undefined || q.toTime === undefined) return undefined;
      return QueryResult.forResult(windowed(store.fetchAll(q.fromTime, q.toTime), codec));
    }
    case 'session': {
      const q = query as WindowRangeQuery<unknown, unknown>;
      if (query.type !== 'windowRange' || q.key === undefined) return undefined;
      return QueryResult.forResult(windowed((local.store as SessionStore<Buffer, Buffer>).fetch(codec.keyBytes(q.key)), codec));
    }
    default:
      return undefined;
  }
}

function windowed(scan: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>, codec: Codec): AsyncIterable<KeyValue<Windowed<unknown>, unknown>> {
  return mapEntries(scan, ({ key, value }) => ({ key: new Windowed(codec.key(key.key()), key.window()), value: codec.value(value) }));
}
