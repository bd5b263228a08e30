/**
 * The reset tool's planning and execution (src/cli/application-reset.ts) against the embedded
 * Kafka backend, in process. The same through the CLI on the real broker:
 * test/integration/cli-reset.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActiveMembersError, applyResetPlan, formatResetPlan, isInternalTopic, planReset } from '../../src/cli/application-reset.js';
import { createKafkaClient } from '../../src/kafka/index.js';
import { resetEmbeddedCluster } from '../../src/kafka/embedded/index.js';
import type { KafkaAdmin, KafkaClient } from '../../src/kafka/port.js';

describe('isInternalTopic (Kafka StreamsResetter rules)', () => {
  it.each([
    ['app-counts-changelog', true],
    ['app-KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition', true],
    ['app-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic', true],
    ['app-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic', true],
    ['app-store-subscription-registration-topic', true],
    ['app', false],
    ['app-input', false],
    ['other-counts-changelog', false],
    ['application-counts-changelog', false], // 'app-' is not a prefix of 'application-'
    ['app-changelog-archive', false],
  ])('%s -> %s', (topic, internal) => {
    expect(isInternalTopic('app', topic)).toBe(internal);
  });
});

describe('planReset / applyResetPlan on the embedded backend', () => {
  let name: string;
  let client: KafkaClient;
  let admin: KafkaAdmin;
  let stateDir: string;
  const app = 'orders-app';

  beforeEach(async () => {
    name = `cli-reset-${randomUUID()}`;
    client = createKafkaClient({ bootstrapServers: `embedded://${name}` });
    admin = client.admin();
    await admin.connect();
    stateDir = await mkdtemp(join(tmpdir(), 'kstreams-reset-test-'));
    await admin.createTopics([
      { name: 'orders', partitions: 2 },
      { name: 'unrelated', partitions: 1 },
      { name: `${app}-counts-changelog`, partitions: 2 },
      { name: `${app}-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition`, partitions: 2 },
      { name: 'other-app-counts-changelog', partitions: 1 },
    ]);
    const producer = client.producer();
    await producer.connect();
    await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: 'orders', partition: i % 2, key: null, value: Buffer.from(`o${i}`) })));
    await producer.disconnect();
    await admin.setCommittedOffsets(app, [{ topic: 'orders', partition: 0, offset: 5 }, { topic: 'orders', partition: 1, offset: 3 }]);
    await mkdir(join(stateDir, app, '0_0'), { recursive: true });
    await writeFile(join(stateDir, app, '0_0', '.checkpoint'), '0\n');
  });

  afterEach(async () => {
    await admin.disconnect();
    resetEmbeddedCluster(name);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('plans offsets back to earliest, the app\'s internal topics only, and the local state dir', async () => {
    const plan = await planReset(admin, { applicationId: app, inputTopics: ['orders', 'missing-topic'], stateDir });
    expect(plan.offsetResets).toEqual([
      { topic: 'orders', partition: 0, committed: 5, target: 0 },
      { topic: 'orders', partition: 1, committed: 3, target: 0 },
    ]);
    expect(plan.missingInputTopics).toEqual(['missing-topic']);
    expect(plan.internalTopics).toEqual([`${app}-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition`, `${app}-counts-changelog`]);
    expect(plan.stateDirectory).toEqual({ path: join(stateDir, app), exists: true });

    const text = formatResetPlan(plan, true).join('\n');
    expect(text).toContain('orders partition 0: 5 -> 0');
    expect(text).toContain(`  ${app}-counts-changelog`);
    expect(text).toContain(`Would delete local state: ${join(stateDir, app)}`);
    expect(text).not.toContain('other-app-counts-changelog');
    expect(text).toMatch(/Dry run: nothing was changed\.$/);
  });

  it('planning changes nothing; applying resets offsets, deletes the internal topics and the state dir', async () => {
    const plan = await planReset(admin, { applicationId: app, inputTopics: ['orders'], stateDir });
    expect((await admin.fetchCommittedOffsets(app, ['orders'])).map((o) => o.offset)).toEqual([5, 3]);
    expect(await admin.listTopics()).toContain(`${app}-counts-changelog`);

    await applyResetPlan(admin, plan, stateDir);
    expect((await admin.fetchCommittedOffsets(app, ['orders'])).map((o) => o.offset)).toEqual([0, 0]);
    expect((await admin.listTopics()).sort()).toEqual(['orders', 'other-app-counts-changelog', 'unrelated']);
    await expect(stat(join(stateDir, app))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses, changing nothing, while the group has an active member', async () => {
    const consumer = client.consumer({ groupId: app });
    await consumer.connect();
    await consumer.subscribe(['orders']);
    await consumer.run({ onPartitionsAssigned: async () => undefined, onPartitionsRevoked: async () => undefined, onBatch: async () => undefined });
    try {
      await expect(planReset(admin, { applicationId: app, inputTopics: ['orders'], stateDir })).rejects.toThrow(ActiveMembersError);
      await expect(planReset(admin, { applicationId: app, inputTopics: ['orders'], stateDir })).rejects.toThrow(/still has 1 active member/);
    } finally {
      await consumer.disconnect();
    }
    expect(await admin.listTopics()).toContain(`${app}-counts-changelog`);
  });

  it('checks the group again when applying: an instance started after planning stops the reset', async () => {
    const plan = await planReset(admin, { applicationId: app, inputTopics: ['orders'], stateDir });
    const consumer = client.consumer({ groupId: app });
    await consumer.connect();
    await consumer.subscribe(['orders']);
    await consumer.run({ onPartitionsAssigned: async () => undefined, onPartitionsRevoked: async () => undefined, onBatch: async () => undefined });
    try {
      await expect(applyResetPlan(admin, plan, stateDir)).rejects.toThrow(ActiveMembersError);
    } finally {
      await consumer.disconnect();
    }
    expect(await admin.listTopics()).toContain(`${app}-counts-changelog`);
    expect((await stat(join(stateDir, app))).isDirectory()).toBe(true);
  });
});
