/**
 * `kstreams run` on the real broker: the CLI process runs an application module
 * (test/cli/fixtures/env-topics-app.ts) with config from the module, a --config file and
 * environment variables, processes the input, refuses a reset while it runs, and on SIGTERM
 * closes cleanly: exit code 0 and the input offsets committed (the module's commit interval is
 * ten minutes, so only the close can have committed them).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/index.js';
import type { KafkaAdmin } from '../../src/kafka/port.js';
import { CliProcess, cleanEnv, runCli } from '../cli/cli-process.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';

const RECORDS = 200;

describeWithBroker('kstreams run on the real broker', () => {
  let admin: KafkaAdmin;
  let input: string;
  let output: string;
  let dir: string;
  const applicationId = uniqueTopic('cli-run-app');
  const clientId = uniqueTopic('cli-run-client');
  const started: CliProcess[] = [];

  beforeAll(async () => {
    admin = createKafkaClient({ bootstrapServers: bootstrapServers(), clientId: 'cli-run-test' }).admin();
    await admin.connect();
    input = await createTestTopic('cli-run-in', { partitions: 3 });
    output = await createTestTopic('cli-run-out', { partitions: 3 });
    dir = await mkdtemp(join(tmpdir(), 'kstreams-cli-run-'));
    const producer = testKafka().producer();
    await producer.connect();
    // Even i: 'value-i' (7+ characters, kept); odd i: 'v' + i % 10 (2 characters, dropped).
    await producer.send({ topic: input, messages: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: i % 2 === 0 ? `value-${i}` : `v${i % 10}` })) });
    await producer.disconnect();
  });

  afterAll(async () => {
    await Promise.all(started.map((cli) => cli.stop('SIGKILL', 0)));
    await deleteTestTopics([input, output].filter((t) => t !== undefined));
    await admin?.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the module until SIGTERM, then closes cleanly with the input offsets committed', async () => {
    const properties = join(dir, 'streams.properties');
    await writeFile(properties, [`# the CLI test's application`, `application.id=${applicationId}`, `state.dir=${join(dir, 'state')}`, ''].join('\n'));
    const cli = new CliProcess(['run', 'test/cli/fixtures/env-topics-app.ts', '--config', properties, '--log-level', 'warn'], cleanEnv({
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers(),
      KSTREAMS_CLIENT_ID: clientId,
      CLI_TEST_INPUT: input,
      CLI_TEST_OUTPUT: output,
    }));
    started.push(cli);
    await cli.waitFor(/kstreams: RUNNING/, 90_000);

    // Every kept record reaches the output topic.
    const expectedCount = RECORDS / 2;
    const deadline = Date.now() + 60_000;
    const outputSize = async (): Promise<number> => (await admin.listOffsets(output)).reduce((n, p) => n + p.latest, 0);
    while ((await outputSize()) < expectedCount && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await outputSize()).toBe(expectedCount);

    // The client.id from KSTREAMS_CLIENT_ID names the group member, and the reset tool refuses to run.
    const group = await admin.describeGroup(applicationId);
    expect(group.members.map((m) => m.clientId)).toEqual([`${clientId}-StreamThread-1-consumer`]);
    const refused = await runCli(['reset', applicationId, '--bootstrap-servers', bootstrapServers(), '--input-topics', input, '--dry-run']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Consumer group '${applicationId}' still has 1 active member(s)`);

    // Nothing is committed yet: the commit interval is ten minutes.
    expect((await admin.fetchCommittedOffsets(applicationId, [input])).map((o) => o.offset)).toEqual([-1, -1, -1]);

    const result = await cli.stop('SIGTERM', 60_000);
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/kstreams: SIGTERM: closing .*\n(.*\n)*kstreams: closed cleanly\n$/);

    const ends = (await admin.listOffsets(input)).map((p) => p.latest);
    expect(ends.reduce((a, b) => a + b, 0)).toBe(RECORDS);
    expect((await admin.fetchCommittedOffsets(applicationId, [input])).map((o) => o.offset)).toEqual(ends);
    expect((await admin.describeGroup(applicationId)).members).toEqual([]);

    // The output holds exactly the kept values.
    const consumer = testKafka().consumer({ groupId: uniqueTopic('cli-run-reader') });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: output, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    const readDeadline = Date.now() + 30_000;
    while (values.length < expectedCount && Date.now() < readDeadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();
    expect(values.sort()).toEqual(Array.from({ length: expectedCount }, (_, j) => `value-${2 * j}`).sort());
  });
});
