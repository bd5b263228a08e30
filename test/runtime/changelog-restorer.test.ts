import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConsumedRecord, KafkaProducer, ProducerRecord, RecordMetadata, TopicPartition } from '../../src/kafka/port.js';
import { ChangelogRestorer } from '../../src/runtime/changelog-restorer.js';
import { RecordCollectorImpl } from '../../src/runtime/record-collector-impl.js';
import { StreamsMetrics } from '../../src/runtime/streams-metrics.js';
import type { ChangelogPartition, StreamTask } from '../../src/runtime/task.js';
import { TaskManager } from '../../src/runtime/thread-task-manager.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { produce } from './runtime-helpers.js';

const silent = pino({ level: 'silent' });
const CHANGELOG = 'app-store-changelog';

/** Just enough of a StreamTask with logged stores to watch restoration. */
class RestoringTask implements Partial<StreamTask> {
  restoring = true;
  readonly restored: ConsumedRecord[] = [];
  markedRestored = 0;
  constructor(readonly id: string, readonly partitions: TopicPartition[], readonly changelogs: ChangelogPartition[]) {}
  changelogPartitions(): readonly ChangelogPartition[] {
    return this.changelogs;
  }
  async restoreBatch(_topic: string, _partition: number, records: readonly ConsumedRecord[]): Promise<void> {
    if (!this.restoring) throw new Error('restoreBatch after markRestored');
    this.restored.push(...records);
  }
  async markRestored(): Promise<void> {
    this.markedRestored++;
    this.restoring = false;
  }
  async initialize(): Promise<void> {}
  addRecords(): void {}
  bufferedCount(): number {
    return 0;
  }
  commitRequested(): boolean {
    return false;
  }
  async prepareCommit(): Promise<never[]> {
    if (this.restoring) throw new Error('prepareCommit while restoring');
    return [];
  }
  async postCommit(): Promise<void> {}
  async close(): Promise<void> {}
}

const asTask = (t: RestoringTask): StreamTask => t as unknown as StreamTask;
const changelogRecord = (partition: number, i: number): ProducerRecord => ({ topic: CHANGELOG, partition, key: Buffer.from(`k${i % 7}`), value: Buffer.from(`v${i}`) });

const f = embeddedClusterPerTest('restore', { topics: [{ name: CHANGELOG, partitions: 3 }] });

function restorer(): ChangelogRestorer {
  return new ChangelogRestorer({ client: f.client, readCommitted: false, listOffsets: (t) => f.admin.listOffsets(t), log: silent });
}

async function restoreAll(r: ChangelogRestorer, maxSteps = 1_000): Promise<StreamTask[]> {
  const done: StreamTask[] = [];
  for (let i = 0; i < maxSteps && r.active; i++) done.push(...(await r.step(20)).done);
  return done;
}

describe('ChangelogRestorer', () => {
  it('restores from the checkpoint + 1 (or the start) up to the end found at start, then marks the task restored', async () => {
    await produce(f.client, [...Array.from({ length: 300 }, (_, i) => changelogRecord(0, i)), ...Array.from({ length: 40 }, (_, i) => changelogRecord(1, i))]);
    const fromStart = new RestoringTask('0_0', [{ topic: 'in', partition: 0 }], [{ storeName: 'store', topic: CHANGELOG, partition: 0, checkpointOffset: undefined }]);
    const fromCheckpoint = new RestoringTask('0_1', [{ topic: 'in', partition: 1 }], [{ storeName: 'store', topic: CHANGELOG, partition: 1, checkpointOffset: 29 }]);
    const r = restorer();
    expect(await r.start([asTask(fromStart), asTask(fromCheckpoint)])).toEqual([]);
    // Written after restoration started: not part of it.
    await produce(f.client, [changelogRecord(0, 999)]);
    const done = await restoreAll(r);
    expect(done.map((t) => t.id).sort()).toEqual(['0_0', '0_1']);
    expect(fromStart.restored.map((x) => x.offset)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(fromCheckpoint.restored.map((x) => x.offset)).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
    expect(fromStart.markedRestored).toBe(1);
    expect(fromCheckpoint.markedRestored).toBe(1);
    expect(r.active).toBe(false);
    await r.close();
  });

  it('marks a task with nothing to restore (empty changelog, or checkpoint at the end) restored at once', async () => {
    await produce(f.client, Array.from({ length: 5 }, (_, i) => changelogRecord(1, i)));
    const empty = new RestoringTask('0_0', [], [{ storeName: 's', topic: CHANGELOG, partition: 0, checkpointOffset: undefined }]);
    const upToDate = new RestoringTask('0_1', [], [{ storeName: 's', topic: CHANGELOG, partition: 1, checkpointOffset: 4 }]);
    const r = restorer();
    expect((await r.start([asTask(empty), asTask(upToDate)])).map((t) => t.id)).toEqual(['0_0', '0_1']);
    expect(r.active).toBe(false);
    expect(empty.restored).toEqual([]);
    expect(upToDate.markedRestored).toBe(1);
    await r.close();
  });

  it('goes on from the new log start when retention deletes changelog records the restoration had not read yet', async () => {
    // A windowed store's changelog is compact,delete: the broker may delete old segments while we restore.
    const topic = 'app-window-changelog';
    await f.admin.createTopics([{ name: topic, partitions: 1, configs: { 'cleanup.policy': 'delete', 'segment.bytes': '200', 'retention.bytes': '400' } }]);
    const record = (i: number): ProducerRecord => ({ topic, partition: 0, key: Buffer.from(`k${i}`), value: Buffer.from(`value-${i}`) });
    await produce(f.client, Array.from({ length: 10 }, (_, i) => record(i)));
    const [before] = await f.admin.listOffsets(topic);
    const task = new RestoringTask('0_0', [], [{ storeName: 'w', topic, partition: 0, checkpointOffset: undefined }]);
    const r = restorer();
    await r.start([asTask(task)]);
    // Retention deletes segments before the first fetch: the start position is gone.
    await produce(f.client, Array.from({ length: 40 }, (_, i) => record(100 + i)));
    const [after] = await f.admin.listOffsets(topic);
    expect(after!.earliest).toBeGreaterThan(before!.latest);
    const done = await restoreAll(r);
    // Everything up to the end found at start was deleted: done, with nothing restored and no error.
    expect(done.map((t) => t.id)).toEqual(['0_0']);
    expect(task.restored).toEqual([]);
    expect(task.markedRestored).toBe(1);
    await r.close();
  });

  it('waits for every changelog partition of a task before marking it restored', async () => {
    await produce(f.client, [changelogRecord(0, 0), changelogRecord(2, 1), changelogRecord(2, 2)]);
    const task = new RestoringTask('0_0', [], [
      { storeName: 'a', topic: CHANGELOG, partition: 0, checkpointOffset: undefined },
      { storeName: 'b', topic: CHANGELOG, partition: 2, checkpointOffset: undefined },
    ]);
    const r = restorer();
    await r.start([asTask(task)]);
    await restoreAll(r);
    expect(task.restored.map((x) => `${x.partition}:${x.offset}`).sort()).toEqual(['0:0', '2:0', '2:1']);
    expect(task.markedRestored).toBe(1);
    await r.close();
  });
});

describe('TaskManager with restoring tasks', () => {
  it('keeps a restoring task out of processing and commits until it is restored', async () => {
    await produce(f.client, Array.from({ length: 50 }, (_, i) => changelogRecord(0, i)));
    const task = new RestoringTask('0_0', [{ topic: 'in', partition: 0 }], [{ storeName: 's', topic: CHANGELOG, partition: 0, checkpointOffset: undefined }]);
    const producer: KafkaProducer = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (records: readonly ProducerRecord[]): Promise<RecordMetadata[]> => records.map((x) => ({ topic: x.topic, partition: 0, offset: 0 })),
      beginTransaction: () => { throw new Error('no'); },
    };
    const commits: unknown[] = [];
    const r = restorer();
    const manager = new TaskManager({
      createTask: () => asTask(task),
      consumer: {
        pause: () => undefined,
        resume: () => undefined,
        seek: () => undefined,
        committed: async (ps) => ps.map((p) => ({ ...p, offset: -1 })),
        commitOffsets: async (o) => { commits.push(o); },
      },
      listOffsets: async () => [],
      collector: new RecordCollectorImpl(producer),
      restorer: r,
      metrics: new StreamsMetrics().thread('t'),
      log: silent,
      maxBufferedPerPartition: 10,
    });
    await manager.handleAssignment(new Map([['0_0', [{ topic: 'in', partition: 0 }]]]));
    expect(manager.restoringCount).toBe(1);
    expect(manager.running()).toEqual([]);
    expect(manager.isRestoring({ topic: 'in', partition: 0 })).toBe(true);
    await manager.commit();
    let restored = 0;
    for (let i = 0; i < 100 && manager.restoringCount > 0; i++) restored += await manager.restore(20);
    expect(restored).toBe(50);
    expect(manager.running()).toEqual([task]);
    await manager.commit();
    await manager.closeAll(true);
    await r.close();
  });
});
