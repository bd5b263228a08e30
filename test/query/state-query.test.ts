/**
 * IQv2 (`KafkaStreams.query`, Kafka Streams' KIP-796/805/806) against running clients on the
 * embedded backend: a count table, a windowed count and a session count of one input, queried
 * per partition; every failure reason we produce; and a standby answering unless requireActive.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { InvalidStateStoreException } from '../../src/errors.js';
import { KeyQuery, RangeQuery, StateQueryRequest, TimestampedKeyQuery, TimestampedRangeQuery, WindowKeyQuery, WindowRangeQuery } from '../../src/index.js';
import type { ProducerRecord } from '../../src/kafka/port.js';
import { UnknownStateStoreException } from '../../src/query/query-errors.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { KeyValue } from '../../src/state/key-value-store.js';
import type { Windowed } from '../../src/state/windowed.js';
import { embeddedClusterPerTest } from '../runtime/embedded-fixture.js';
import { eventually, produce, streamsConfig } from '../runtime/runtime-helpers.js';

const PARTITIONS = 4;
const f = embeddedClusterPerTest('iqv2', { topics: [{ name: 'in', partitions: PARTITIONS }] });

/** Strings, except that the key 'boom' cannot be serialized: a store that throws on a query. */
const keys: Serde<string> = {
  serialize: (topic, data, headers) => {
    if (data === 'boom') throw new Error('cannot serialize boom');
    return Serdes.String().serialize(topic, data, headers);
  },
  deserialize: (topic, data, headers) => Serdes.String().deserialize(topic, data, headers),
};

function instance(overrides: Parameters<typeof streamsConfig>[2] = {}): KafkaStreams {
  const builder = new StreamsBuilder();
  const grouped = builder.stream('in', Consumed.with(keys, Serdes.String())).groupByKey();
  grouped.count(Materialized.as<string, number>('counts'));
  grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(Materialized.as<string, number>('win').withRetention(100_000));
  grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).count(Materialized.as<string, number>('sess').withRetention(100_000));
  const s = new KafkaStreams(builder.build(), streamsConfig(f.bootstrap, 'app', { 'state.dir': f.stateDir, ...overrides }));
  f.open.push(s);
  return s;
}

// a: 100, 105, 120; b: 101; c: 102, 130; d: 103; e: 104 (in time order).
const RECORDS: Array<[string, number]> = [['a', 100], ['b', 101], ['c', 102], ['d', 103], ['e', 104], ['a', 105], ['a', 120], ['c', 130]];
const input = (): ProducerRecord[] => RECORDS.map(([k, ts]) => ({ topic: 'in', key: Buffer.from(k), value: Buffer.from('x'), timestamp: ts }));

async function collect<T>(scan: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of scan) out.push(e);
  return out;
}

/** Every partition's range result, concatenated in partition order. */
async function all<K, V>(result: Map<number, { getResult(): AsyncIterable<KeyValue<K, V>> }>): Promise<Array<KeyValue<K, V>>> {
  const out: Array<KeyValue<K, V>> = [];
  for (const p of [...result.keys()].sort()) out.push(...(await collect(result.get(p)!.getResult())));
  return out;
}

const windowText = <V>(e: KeyValue<Windowed<string>, V>): string => `${e.key.key()}@${e.key.window().start()}/${e.key.window().end()}=${String(e.value)}`;

async function countOf(s: KafkaStreams, key: string): Promise<number | undefined> {
  const result = await s.query(StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>(key)));
  return result.getOnlyPartitionResult()?.getResult();
}

async function runningWithData(s: KafkaStreams): Promise<void> {
  await s.start();
  await produce(f.client, input());
  await eventually(async () => s.state() === 'RUNNING' && (await countOf(s, 'c')) === 2 && (await countOf(s, 'a')) === 3, 15_000, 'counts');
  // The window and session stores are fed by the same records; wait for their last one too.
  await eventually(async () => {
    const r = await s.query(StateQueryRequest.inStore('win').withQuery(WindowKeyQuery.withKeyAndWindowStartRange<string, number>('c', 130, 130)));
    return (await all(r.getPartitionResults())).length === 1;
  }, 15_000, 'windows');
  await eventually(async () => {
    const r = await s.query(StateQueryRequest.inStore('sess').withQuery(WindowRangeQuery.withKey<string, number>('c')));
    return (await all(r.getPartitionResults())).length === 2;
  }, 15_000, 'sessions');
}

describe('KafkaStreams.query (IQv2)', () => {
  it('queries a count table by key, timestamped key and range, over all local partitions or chosen ones', async () => {
    const s = instance();
    await runningWithData(s);
    const partitionOf = (key: string): number => s.queryMetadataForKey('counts', key).partition;

    // KeyQuery over all partitions: one result per local partition, only the key's one has the value.
    const byKey = await s.query(StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('a')));
    expect([...byKey.getPartitionResults().keys()].sort()).toEqual([0, 1, 2, 3]);
    expect([...byKey.getPartitionResults().values()].every((r) => r.isSuccess())).toBe(true);
    expect(byKey.getPartitionResults().get(partitionOf('a'))!.getResult()).toBe(3);
    expect(byKey.getOnlyPartitionResult()!.getResult()).toBe(3);
    expect(byKey.getGlobalResult()).toBeUndefined();
    expect(await countOf(s, 'zzz')).toBeUndefined();

    // TimestampedKeyQuery: the value with the count's timestamp (the latest record's).
    const ts = await s.query(StateQueryRequest.inStore('counts').withQuery(TimestampedKeyQuery.withKey<string, number>('c')));
    const vt = ts.getOnlyPartitionResult()!.getResult()!;
    expect([vt.value, vt.timestamp]).toEqual([2, 130]);

    // Chosen partitions: only those answer; a key elsewhere is absent there.
    const pa = partitionOf('a');
    const other = [0, 1, 2, 3].find((p) => p !== pa && p !== partitionOf('c'))!;
    const chosen = await s.query(StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('a')).withPartitions([other]));
    expect([...chosen.getPartitionResults().keys()]).toEqual([other]);
    expect(chosen.getPartitionResults().get(other)!.getResult()).toBeUndefined();
    expect(chosen.getOnlyPartitionResult()).toBeUndefined();

    // RangeQuery: each partition's scan ascending by key; together, every entry in range.
    const sorted = (es: Array<KeyValue<string, number>>): string[] => es.map((e) => `${e.key}=${e.value}`).sort();
    const range = (q: RangeQuery<string, number>) => s.query(StateQueryRequest.inStore('counts').withQuery(q));
    expect(sorted(await all((await range(RangeQuery.withNoBounds())).getPartitionResults()))).toEqual(['a=3', 'b=1', 'c=2', 'd=1', 'e=1']);
    expect(sorted(await all((await range(RangeQuery.withRange('b', 'd'))).getPartitionResults()))).toEqual(['b=1', 'c=2', 'd=1']);
    expect(sorted(await all((await range(RangeQuery.withLowerBound('d'))).getPartitionResults()))).toEqual(['d=1', 'e=1']);
    expect(sorted(await all((await range(RangeQuery.withUpperBound('b'))).getPartitionResults()))).toEqual(['a=3', 'b=1']);
    // More than one partition answered with a result: getOnlyPartitionResult refuses, as Kafka.
    await expect(range(RangeQuery.withNoBounds()).then((r) => r.getOnlyPartitionResult())).rejects.toThrow(/exactly one partition result/);
    // Descending, per partition; on a partition with two keys the order shows.
    const two = [0, 1, 2, 3].find((p) => ['a', 'b', 'c', 'd', 'e'].filter((k) => partitionOf(k) === p).length >= 2);
    if (two !== undefined) {
      const up = (await all((await s.query(StateQueryRequest.inStore('counts').withQuery(RangeQuery.withNoBounds<string, number>()).withPartitions([two]))).getPartitionResults())).map((e) => e.key);
      const down = (await all((await s.query(StateQueryRequest.inStore('counts').withQuery(RangeQuery.withNoBounds<string, number>().withDescendingKeys()).withPartitions([two]))).getPartitionResults())).map((e) => e.key);
      expect(up).toEqual([...up].sort());
      expect(down).toEqual([...up].reverse());
    }
    // Descending over all partitions: each partition's scan descends.
    const desc = await s.query(StateQueryRequest.inStore('counts').withQuery(RangeQuery.withRange<string, number>('a', 'e').withDescendingKeys()));
    for (const r of desc.getPartitionResults().values()) {
      const ks = (await collect(r.getResult())).map((e) => e.key);
      expect(ks).toEqual([...ks].sort().reverse());
    }
    // TimestampedRangeQuery: values with their timestamps.
    const tr = await s.query(StateQueryRequest.inStore('counts').withQuery(TimestampedRangeQuery.withRange<string, number>('a', 'a')));
    const entries = await all(tr.getPartitionResults());
    expect(entries.map((e) => [e.key, e.value.value, e.value.timestamp])).toEqual([['a', 3, 120]]);

    // Execution info only when enabled.
    expect(byKey.getPartitionResults().get(pa)!.getExecutionInfo()).toEqual([]);
    const info = await s.query(StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('a')).withPartitions([pa]).enableExecutionInfo());
    expect(info.getPartitionResults().get(pa)!.getExecutionInfo().join()).toMatch(new RegExp(`key query in keyValue store counts, partition ${pa} \\(active copy\\)`));
  });

  it('queries a windowed count by WindowKeyQuery and WindowRangeQuery, and a session count by WindowRangeQuery.withKey', async () => {
    const s = instance();
    await runningWithData(s);

    const byKey = await s.query(StateQueryRequest.inStore('win').withQuery(WindowKeyQuery.withKeyAndWindowStartRange<string, number>('a', 0, 1_000)));
    expect((await all(byKey.getPartitionResults())).map((e) => `${e.key}=${e.value}`)).toEqual(['100=2', '120=1']);
    const narrow = await s.query(StateQueryRequest.inStore('win').withQuery(WindowKeyQuery.withKeyAndWindowStartRange<string, number>('a', 110, 120)));
    expect((await all(narrow.getPartitionResults())).map((e) => `${e.key}=${e.value}`)).toEqual(['120=1']);

    const byTime = await s.query(StateQueryRequest.inStore('win').withQuery(WindowRangeQuery.withWindowStartRange<string, number>(100, 100)));
    expect((await all(byTime.getPartitionResults())).map(windowText).sort()).toEqual(['a@100/110=2', 'b@100/110=1', 'c@100/110=1', 'd@100/110=1', 'e@100/110=1']);
    const later = await s.query(StateQueryRequest.inStore('win').withQuery(WindowRangeQuery.withWindowStartRange<string, number>(101, 1_000)));
    expect((await all(later.getPartitionResults())).map(windowText).sort()).toEqual(['a@120/130=1', 'c@130/140=1']);

    const sessions = await s.query(StateQueryRequest.inStore('sess').withQuery(WindowRangeQuery.withKey<string, number>('a')));
    expect((await all(sessions.getPartitionResults())).map(windowText)).toEqual(['a@100/105=2', 'a@120/120=1']);
    const none = await s.query(StateQueryRequest.inStore('sess').withQuery(WindowRangeQuery.withKey<string, number>('zzz')));
    expect(await all(none.getPartitionResults())).toEqual([]);
  });

  it('reports UNKNOWN_QUERY_TYPE, DOES_NOT_EXIST and STORE_EXCEPTION per partition, and throws for an unknown store or a client not running', async () => {
    const s = instance();
    const request = StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('a'));
    await expect(s.query(request)).rejects.toThrow(InvalidStateStoreException);
    await expect(s.query(request)).rejects.toThrow(/has not been started/);
    await runningWithData(s);

    await expect(s.query(StateQueryRequest.inStore('nope').withQuery(KeyQuery.withKey<string, number>('a')))).rejects.toThrow(UnknownStateStoreException);

    const expectAll = async (store: string, query: Parameters<ReturnType<typeof StateQueryRequest.inStore>['withQuery']>[0], reason: string, message: RegExp): Promise<void> => {
      const results = (await s.query(StateQueryRequest.inStore(store).withQuery(query))).getPartitionResults();
      expect(results.size).toBe(PARTITIONS);
      for (const r of results.values()) {
        expect(r.isFailure()).toBe(true);
        expect(r.getFailureReason()).toBe(reason);
        expect(r.getFailureMessage()).toMatch(message);
        expect(() => r.getResult()).toThrow(new RegExp(`Cannot get result for failed query. Failure is ${reason}`));
      }
    };
    await expectAll('win', KeyQuery.withKey<string, number>('a'), 'UNKNOWN_QUERY_TYPE', /window store \(win\) doesn't know how to execute the given query \(key\)/);
    await expectAll('counts', WindowKeyQuery.withKeyAndWindowStartRange<string, number>('a', 0, 10), 'UNKNOWN_QUERY_TYPE', /keyValue store/);
    await expectAll('win', WindowRangeQuery.withKey<string, number>('a'), 'UNKNOWN_QUERY_TYPE', /windowRange/);
    await expectAll('sess', WindowRangeQuery.withWindowStartRange<string, number>(0, 10), 'UNKNOWN_QUERY_TYPE', /session store/);
    await expectAll('counts', KeyQuery.withKey<string, number>('boom'), 'STORE_EXCEPTION', /cannot serialize boom/);

    const missing = await s.query(StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('a')).withPartitions([1, 7]));
    expect(missing.getPartitionResults().get(1)!.isSuccess()).toBe(true);
    expect(missing.getPartitionResults().get(7)!.getFailureReason()).toBe('DOES_NOT_EXIST');
    expect(() => missing.getPartitionResults().get(1)!.getFailureReason()).toThrow(/did not fail/);

    await s.close();
    await expect(s.query(request)).rejects.toThrow(/has been stopped \(NOT_RUNNING\)/);
  });

  it('a standby answers unless requireActive() (NOT_ACTIVE); a partition held elsewhere is NOT_PRESENT', async () => {
    const config = (server: string, standbys: number) => ({
      'application.server': server,
      'state.dir': join(f.stateDir, server.replace(':', '_')),
      'num.standby.replicas': standbys,
      'statestore.cache.max.bytes': 0,
    });
    const a = instance(config('host-a:1', 1));
    const b = instance(config('host-b:1', 1));
    await Promise.all([a.start(), b.start()]);
    await produce(f.client, input());
    const activeOn = (s: KafkaStreams): number[] => s.metadataForAllStreamsClients().find((m) => m.endpoint === s.queryHost().endpoint)?.topicPartitions.filter((tp) => tp.topic === 'in').map((tp) => tp.partition).sort() ?? [];
    await eventually(() => a.state() === 'RUNNING' && b.state() === 'RUNNING' && activeOn(a).length === 2 && activeOn(b).length === 2
      && a.metadataForAllStreamsClients().length === 2 && a.metadataForAllStreamsClients().every((m) => m.standbyTopicPartitions.length === 2), 20_000, 'both RUNNING with standbys');
    const pa = a.queryMetadataForKey('counts', 'a').partition;
    const [owner, standby] = activeOn(a).includes(pa) ? [a, b] : [b, a];
    const request = StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('a')).withPartitions([pa]);
    // The standby copy answers (once it caught up from the changelog).
    await eventually(async () => (await standby.query(request)).getPartitionResults().get(pa)?.isSuccess() === true
      && (await standby.query(request)).getPartitionResults().get(pa)!.getResult() === 3, 15_000, 'standby answers');
    expect((await owner.query(request.requireActive())).getPartitionResults().get(pa)!.getResult()).toBe(3);
    const refused = (await standby.query(request.requireActive())).getPartitionResults().get(pa)!;
    expect(refused.getFailureReason()).toBe('NOT_ACTIVE');
    expect(refused.getFailureMessage()).toBe(`Query requires a running active task, but partition ${pa} was in state STANDBY and was not active.`);
    // Over all partitions with requireActive: the standby's partitions fail, its active ones answer.
    const mixed = await standby.query(StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('a')).requireActive());
    expect([...mixed.getPartitionResults()].filter(([, r]) => r.isFailure()).map(([p]) => p).sort()).toEqual(activeOn(owner));
    expect([...mixed.getPartitionResults()].filter(([, r]) => r.isSuccess()).map(([p]) => p).sort()).toEqual(activeOn(standby));

    // Without standbys the other instance's partitions are not here: NOT_PRESENT.
    await Promise.all([a.close(), b.close()]);
    f.open.splice(0);
    const c = instance({ ...config('host-c:1', 0), 'application.id': 'app2' });
    const d = instance({ ...config('host-d:1', 0), 'application.id': 'app2' });
    await Promise.all([c.start(), d.start()]);
    await eventually(() => c.state() === 'RUNNING' && d.state() === 'RUNNING' && activeOn(c).length === 2 && activeOn(d).length === 2, 20_000, 'c and d RUNNING');
    const elsewhere = activeOn(d)[0]!;
    const notHere = await c.query(StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('a')).withPartitions([elsewhere, activeOn(c)[0]!]));
    expect(notHere.getPartitionResults().get(elsewhere)!.getFailureReason()).toBe('NOT_PRESENT');
    expect(notHere.getPartitionResults().get(elsewhere)!.getFailureMessage()).toMatch(/not present at the time of the query/);
    expect(notHere.getPartitionResults().get(activeOn(c)[0]!)!.isSuccess()).toBe(true);
  }, 60_000);
});
