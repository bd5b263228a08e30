/**
 * The one IQv2 case the embedded-backend tests cannot pin down in time: a restoring active
 * partition. As Kafka's `KafkaStreams.query`, it answers (stale) unless `requireActive()`, which
 * asks for a running active task and gets NOT_ACTIVE.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KeyQuery } from '../../src/query/queries.js';
import { executeQuery } from '../../src/query/query-executor.js';
import { StateQueryRequest } from '../../src/query/state-query-request.js';
import { FakeCluster } from './fake-cluster.js';

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('executeQuery on a restoring partition', () => {
  it('answers without requireActive, NOT_ACTIVE with it', async () => {
    cluster = await FakeCluster.create(1, 4);
    const host = cluster.hosts[0]!;
    await cluster.put('address', 'andy', 'Berlin');
    const p = cluster.partitionOf('address', 'andy');
    host.partition('address', p).state = 'RESTORING';
    const request = StateQueryRequest.inStore('address').withQuery(KeyQuery.withKey<string, string>('andy')).withPartitions([p]);

    expect((await executeQuery(host, request)).getPartitionResults().get(p)!.getResult()).toBe('Berlin');
    const refused = (await executeQuery(host, request.requireActive())).getPartitionResults().get(p)!;
    expect(refused.getFailureReason()).toBe('NOT_ACTIVE');
    expect(refused.getFailureMessage()).toBe(`Query requires a running active task, but partition ${p} was in state RESTORING and was active.`);
    const info = (await executeQuery(host, request.enableExecutionInfo())).getPartitionResults().get(p)!;
    expect(info.getExecutionInfo()[0]).toMatch(/restoring active copy/);
  });
});
