/**
 * `kstreams run` serving interactive queries, and `kstreams query` reading them, on the real
 * broker: the run CLI process starts the GraphQL query server on the port of its
 * `application.server` (with the `query.auth.token` from the environment), and the query CLI
 * process looks keys up through it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultPartition } from '../../src/kafka/partitioner.js';
import { CliProcess, cleanEnv, runCli } from '../cli/cli-process.js';
import { STORE } from '../cli/fixtures/env-table-app.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';
import { freePort } from '../free-port.js';

const PARTITIONS = 2;
const TOKEN = 'cli-query-secret';

describeWithBroker('kstreams run with application.server, queried by kstreams query', () => {
  let topic: string;
  let dir: string;
  const started: CliProcess[] = [];

  beforeAll(async () => {
    topic = await createTestTopic('cli-query-table', { partitions: PARTITIONS });
    dir = await mkdtemp(join(tmpdir(), 'kstreams-cli-query-'));
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [
      { key: 'andy', value: 'Old Road 9' },
      { key: 'bea', value: 'Harbour 2' },
      { key: 'andy', value: 'Main St 1' },   // the table keeps the latest value
      { key: 'carl', value: 'Gone 0' },
      { key: 'carl', value: null },          // tombstone: carl is deleted
    ] });
    await producer.disconnect();
  });

  afterAll(async () => {
    await Promise.all(started.map((cli) => cli.stop('SIGKILL', 0)));
    if (topic !== undefined) await deleteTestTopics([topic]);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the table over GraphQL on application.server; query prints value, partition and servedBy', async () => {
    const port = await freePort();
    const endpoint = `127.0.0.1:${port}`;
    const cli = new CliProcess(
      ['run', 'test/cli/fixtures/env-table-app.ts', '--property', `application.server=${endpoint}`, '--log-level', 'warn'],
      cleanEnv({
        KAFKA_BOOTSTRAP_SERVERS: bootstrapServers(),
        KSTREAMS_APPLICATION_ID: uniqueTopic('cli-query-app'),
        KSTREAMS_STATE_DIR: join(dir, 'state'),
        KSTREAMS_QUERY_AUTH_TOKEN: TOKEN,
        CLI_TEST_TABLE_TOPIC: topic,
      }),
    );
    started.push(cli);
    await cli.waitFor(/kstreams: RUNNING/, 90_000);
    expect(cli.stderr).toContain(`kstreams: interactive queries at http://127.0.0.1:${port}/graphql (application.server ${endpoint})`);

    // Wait (directly over HTTP, cheaper than a CLI process per try) until the table holds andy's latest value.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await fetch(`http://${endpoint}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ query: `{ keyValue(store: "${STORE}", key: "andy") { value } }` }),
      }).then((r) => r.json() as Promise<{ data?: { keyValue: { value: string } | null } }>).catch(() => undefined);
      if (response?.data?.keyValue?.value === 'Main St 1') break;
      if (Date.now() > deadline) throw new Error(`the table did not show andy's latest value within 60 s: ${JSON.stringify(response)}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const [andy, carl, noToken] = await Promise.all([
      runCli(['query', STORE, 'andy', '--server', endpoint, '--token', TOKEN]),
      runCli(['query', STORE, 'carl', '--server', endpoint], cleanEnv({ KSTREAMS_QUERY_TOKEN: TOKEN })),
      runCli(['query', STORE, 'andy', '--server', endpoint]),
    ]);
    expect(andy.code, andy.stderr).toBe(0);
    expect(JSON.parse(andy.stdout)).toEqual({ key: 'andy', value: 'Main St 1', partition: defaultPartition(Buffer.from('andy'), PARTITIONS), servedBy: endpoint });
    expect(carl.code, carl.stderr).toBe(0);
    expect(carl.stdout).toBe('null\n');
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/The query failed \(HTTP 401\): UNAUTHENTICATED/);

    const result = await cli.stop('SIGTERM', 60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/kstreams: closed cleanly\n$/);
    // The query server closed with the application.
    await expect(fetch(`http://${endpoint}/healthz`)).rejects.toThrow();
  });
});
