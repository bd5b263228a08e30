/**
 * `kstreams reset` on the real broker, through the CLI process: a fake application's committed
 * offsets, internal topics and local state are set up first; `--dry-run` lists exactly what would
 * be reset and deleted and changes nothing; the real run then does it.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/index.js';
import type { KafkaAdmin } from '../../src/kafka/port.js';
import { cleanEnv, runCli } from '../cli/cli-process.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';

describeWithBroker('kstreams reset on the real broker', () => {
  let admin: KafkaAdmin;
  let stateDir: string;
  const app = uniqueTopic('cli-reset-app');
  const otherApp = `${app}x`; // shares the prefix without the dash: not ours
  let input: string;
  const internal = [`${app}-counts-changelog`, `${app}-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition`];
  const foreign = [`${otherApp}-counts-changelog`];

  beforeAll(async () => {
    admin = createKafkaClient({ bootstrapServers: bootstrapServers(), clientId: 'cli-reset-test' }).admin();
    await admin.connect();
    input = await createTestTopic('cli-reset-in', { partitions: 2 });
    await admin.createTopics([...internal, ...foreign].map((name) => ({ name, partitions: 2 })));
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: input, messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `v${i}` })) });
    await producer.disconnect();
    await admin.setCommittedOffsets(app, [{ topic: input, partition: 0, offset: 7 }, { topic: input, partition: 1, offset: 10 }]);
    stateDir = await mkdtemp(join(tmpdir(), 'kstreams-cli-reset-'));
    await mkdir(join(stateDir, app, '0_1'), { recursive: true });
    await writeFile(join(stateDir, app, '0_1', '.checkpoint'), '0\n');
  });

  afterAll(async () => {
    await deleteTestTopics([input, ...internal, ...foreign].filter((t) => t !== undefined));
    await admin?.disconnect();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('--dry-run lists the offsets, internal topics and state it would reset, and changes nothing', async () => {
    const result = await runCli(['reset', app, '--bootstrap-servers', bootstrapServers(), '--input-topics', input, '--state-dir', stateDir, '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `Dry run: reset of application '${app}' (consumer group '${app}' has no active members)`,
      `Would reset committed offsets of group '${app}' to the earliest offset:`,
      `  ${input} partition 0: 7 -> 0`,
      `  ${input} partition 1: 10 -> 0`,
      'Would delete 2 internal topic(s):',
      `  ${internal[1]}`,
      `  ${internal[0]}`,
      `Would delete local state: ${join(stateDir, app)}`,
      'Dry run: nothing was changed.',
      '',
    ]);
    expect((await admin.fetchCommittedOffsets(app, [input])).map((o) => o.offset)).toEqual([7, 10]);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([...internal, ...foreign]));
    expect((await stat(join(stateDir, app))).isDirectory()).toBe(true);
  });

  it('without --dry-run resets the offsets, deletes the internal topics and the state, and leaves other apps alone', async () => {
    const result = await runCli(['reset', app, '--input-topics', input, '--state-dir', stateDir], cleanEnv({ KAFKA_BOOTSTRAP_SERVERS: bootstrapServers() }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Will delete 2 internal topic(s):`);
    expect(result.stdout).toMatch(/Done: the application will reprocess its input from the earliest offsets at its next start\.\n$/);

    expect((await admin.fetchCommittedOffsets(app, [input])).map((o) => o.offset)).toEqual([0, 0]);
    const topics = await admin.listTopics();
    expect(topics.filter((t) => internal.includes(t))).toEqual([]);
    expect(topics).toEqual(expect.arrayContaining([input, ...foreign]));
    await expect(stat(join(stateDir, app))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
