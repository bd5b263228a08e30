import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig, type StreamsConfigInput } from '../../src/config.js';
import { DeserializationException, IllegalStateException } from '../../src/errors.js';
import type { Processor } from '../../src/processor/processor.js';
import { createGlobalStateTask } from '../../src/runtime/global-state-task.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { KeyValueStore } from '../../src/state/key-value-store.js';
import { Stores } from '../../src/state/stores.js';
import { Topology } from '../../src/topology/topology.js';
import { consumed } from './stream-task-helpers.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-global-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let next = 0;

function globalTopology(): Topology {
  return new Topology()
    .addSource('orders', 'order')
    .addProcessor('p', (): Processor<unknown, unknown> => ({ process: () => undefined }), 'orders')
    .addGlobalStore(
      Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('addresses'), Serdes.String(), Serdes.String()),
      'address-source',
      'address',
      { valueSerde: Serdes.String() },
      'address-updater',
      (): Processor<string, string, void, void> => {
        let store: KeyValueStore<string, string>;
        return {
          init: (ctx) => void (store = ctx.getStateStore<KeyValueStore<string, string>>('addresses')),
          process: (r) => store.put(r.key, r.value === null ? null : `${r.value}@${r.timestamp}`),
        };
      },
    );
}

function env(config: Partial<StreamsConfigInput> = {}) {
  return {
    config: resolveConfig({
      'application.id': 'global-app',
      'bootstrap.servers': 'localhost:9092',
      'default.key.serde': Serdes.String(),
      'default.value.serde': Serdes.ByteArray(),
      'state.dir': join(root, `s${next++}`),
      ...config,
    }),
    clock: () => 0,
  };
}

describe('GlobalStateTask', () => {
  it('is absent for a topology without global stores', () => {
    expect(createGlobalStateTask(new Topology().addSource('s', 't'), env())).toBeUndefined();
  });

  it('applies records of every partition through the update processor, checkpoints the last offsets, and resumes after them', async () => {
    const environment = env();
    const task = createGlobalStateTask(globalTopology(), environment)!;
    expect(task.topics).toEqual(['address']);
    await task.initialize();
    expect(task.checkpointOffset({ topic: 'address', partition: 0 })).toBeUndefined();
    await task.update({ topic: 'address', partition: 0 }, [consumed('address', 0, 0, 'Berlin', 10, 'andy'), consumed('address', 0, 1, 'Oslo', 11, 'bob')]);
    await task.update({ topic: 'address', partition: 1 }, [consumed('address', 1, 7, 'Paris', 12, 'carl'), consumed('address', 1, 8, null, 13, 'carl')]);
    const store = task.store('addresses') as KeyValueStore<string, string>;
    expect(await store.get('andy')).toBe('Berlin@10');
    expect(await store.get('carl')).toBeUndefined();
    await task.flushState();
    const checkpoint = join(environment.config.stateDir, 'global-app', 'global', '.checkpoint');
    expect(await readFile(checkpoint, 'utf8')).toBe('0\n2\naddress 0 1\naddress 1 8\n');
    await task.close(true);

    const again = createGlobalStateTask(globalTopology(), environment)!;
    await again.initialize();
    expect(again.checkpointOffset({ topic: 'address', partition: 0 })).toBe(1);
    expect(again.checkpointOffset({ topic: 'address', partition: 1 })).toBe(8);
    expect(await (again.store('addresses') as KeyValueStore<string, string>).get('bob')).toBe('Oslo@11');
    await again.close(true);
  });

  it('locks the global state directory', async () => {
    const environment = env();
    const first = createGlobalStateTask(globalTopology(), environment)!;
    await first.initialize();
    await expect(createGlobalStateTask(globalTopology(), environment)!.initialize()).rejects.toThrow(/is locked by this process/);
    await first.close(false);
  });

  it('sends undeserializable records to the deserialization handler and rejects unknown topics', async () => {
    const failing = createGlobalStateTask(globalTopology(), env({ 'default.key.serde': Serdes.Integer() }))!;
    await failing.initialize();
    await expect(failing.update({ topic: 'address', partition: 0 }, [consumed('address', 0, 0, 'x', 1, 'ab')])).rejects.toThrow(DeserializationException);
    await expect(failing.update({ topic: 'order', partition: 0 }, [])).rejects.toThrow(IllegalStateException);
    await failing.close(false);

    const lenient = createGlobalStateTask(globalTopology(), env({ 'default.key.serde': Serdes.Integer(), 'default.deserialization.exception.handler': 'logAndContinue' }))!;
    await lenient.initialize();
    await lenient.update({ topic: 'address', partition: 0 }, [consumed('address', 0, 0, 'x', 1, 'ab')]);
    expect(lenient.checkpointOffset({ topic: 'address', partition: 0 })).toBe(0);
    await lenient.close(true);
  });
});
