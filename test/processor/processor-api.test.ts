import { describe, expect, it } from 'vitest';
import { StreamsException } from '../../src/errors.js';
import { adaptFixedKeyProcessorSupplier, type FixedKeyProcessor, type FixedKeyProcessorContext } from '../../src/processor/fixed-key-processor.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { Record } from '../../src/processor/record.js';
import type { RecordMetadata } from '../../src/processor/record-metadata.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { Topology } from '../../src/topology/topology.js';

const config = { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Forwards each record to the child named by its value's first word, or to all children. */
class Router implements Processor<string, string, string, string> {
  #ctx!: ProcessorContext<string, string>;
  init(ctx: ProcessorContext<string, string>): void {
    this.#ctx = ctx;
  }
  process(r: Record<string, string>): void {
    const [target] = r.value.split(' ');
    if (target === 'all') this.#ctx.forward(r);
    else this.#ctx.forward(r.withValue(r.value.toUpperCase()), `to-${target}`);
  }
}

function routerTopology(): Topology {
  return new Topology()
    .addSource('src', 'in')
    .addProcessor('router', () => new Router(), 'src')
    .addSink('to-a', 'out-a', 'router')
    .addSink('to-b', 'out-b', 'router');
}

describe('Processor API through the TopologyTestDriver', () => {
  it('forwards to all children, or to one named child', async () => {
    await using driver = new TopologyTestDriver(routerTopology(), config);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    const a = driver.createOutputTopic('out-a', Serdes.String(), Serdes.String());
    const b = driver.createOutputTopic('out-b', Serdes.String(), Serdes.String());
    await input.pipeInput('k1', 'a one', 1);
    await input.pipeInput('k2', 'b two', 2);
    await input.pipeInput('k3', 'all three', 3);
    expect(a.readRecordsToList()).toEqual([
      { key: 'k1', value: 'A ONE', timestamp: 1, headers: [] },
      { key: 'k3', value: 'all three', timestamp: 3, headers: [] },
    ]);
    expect(b.readKeyValuesToList()).toEqual([{ key: 'k2', value: 'B TWO' }, { key: 'k3', value: 'all three' }]);
  });

  it('rejects forwarding to a node that is not a child, naming the children', async () => {
    await using driver = new TopologyTestDriver(routerTopology(), config);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    const error = await input.pipeInput('k', 'c three', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamsException);
    expect((error as Error).message).toContain('topic in partition 0 offset 0');
    const cause = (error as Error).cause as Error;
    expect(cause.message).toBe('Unknown downstream node: to-c either does not exist or is not connected to processor router (its children: [to-a, to-b])');
  });

  it('awaits async processors: records keep their order even when later ones finish first', async () => {
    const seen: string[] = [];
    const topology = new Topology()
      .addSource('src', 'in')
      .addProcessor(
        'slow-then-fast',
        (): Processor<string, string, string, string> => {
          let ctx: ProcessorContext<string, string>;
          return {
            init: (c) => void (ctx = c),
            async process(r) {
              // The first record waits longest: without awaiting, later records would overtake it.
              await sleep(Number(r.value));
              seen.push(`async ${r.key}`);
              ctx.forward(r);
            },
          };
        },
        'src',
      )
      .addProcessor(
        'sync-child',
        (): Processor<string, string, string, string> => {
          let ctx: ProcessorContext<string, string>;
          return { init: (c) => void (ctx = c), process: (r) => (seen.push(`sync ${r.key}`), ctx.forward(r)) };
        },
        'slow-then-fast',
      )
      .addSink('sink', 'out', 'sync-child');
    await using driver = new TopologyTestDriver(topology, config);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    // Not awaited one by one: the driver still processes them in pipe order.
    await Promise.all([input.pipeInput('1', '30', 1), input.pipeInput('2', '1', 2), input.pipeInput('3', '10', 3)]);
    expect(seen).toEqual(['async 1', 'sync 1', 'async 2', 'sync 2', 'async 3', 'sync 3']);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['30', '1', '10']);
  });

  it('keeps per-processor order when an async processor fans out to an async child', async () => {
    const seen: string[] = [];
    const topology = new Topology()
      .addSource('src', 'in')
      .addProcessor(
        'fan-out',
        (): Processor<string, string, string, string> => {
          let ctx: ProcessorContext<string, string>;
          return {
            init: (c) => void (ctx = c),
            process(r) {
              // Three records forwarded synchronously to an async child, without awaiting.
              for (const d of [20, 1, 5]) ctx.forward(r.withValue(`${r.value}-${d}`));
            },
          };
        },
        'src',
      )
      .addProcessor(
        'async-child',
        (): Processor<string, string, never, never> => ({
          async process(r) {
            await sleep(Number(r.value.split('-')[1]));
            seen.push(r.value);
          },
        }),
        'fan-out',
      );
    await using driver = new TopologyTestDriver(topology, config);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('k', 'x', 1);
    await input.pipeInput('k', 'y', 2);
    expect(seen).toEqual(['x-20', 'x-1', 'x-5', 'y-20', 'y-1', 'y-5']);
  });

  it("runs a node's children one after the other, each subtree done first, also when they are async (Kafka's order)", async () => {
    const seen: string[] = [];
    const child = (name: string, ms: number) => (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init: (c) => void (ctx = c),
        async process(r) {
          seen.push(`${name} starts ${r.value}`);
          await sleep(ms);
          seen.push(`${name} ends ${r.value}`);
          await ctx.forward(r);
        },
      };
    };
    const topology = new Topology()
      .addSource('src', 'in')
      .addProcessor('first', child('first', 20), 'src')
      .addProcessor('first-child', child('first-child', 5), 'first')
      .addProcessor('second', child('second', 1), 'src');
    await using driver = new TopologyTestDriver(topology, config);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'x', 1);
    expect(seen).toEqual(['first starts x', 'first ends x', 'first-child starts x', 'first-child ends x', 'second starts x', 'second ends x']);
  });

  it('an async processor that awaits forward() sees its whole subtree done (depth first)', async () => {
    const seen: string[] = [];
    const topology = new Topology()
      .addSource('src', 'in')
      .addProcessor(
        'parent',
        (): Processor<string, string, string, string> => {
          let ctx: ProcessorContext<string, string>;
          return {
            init: (c) => void (ctx = c),
            async process(r) {
              await ctx.forward(r);
              seen.push(`parent after ${r.value}`);
            },
          };
        },
        'src',
      )
      .addProcessor(
        'child',
        (): Processor<string, string, never, never> => ({
          async process(r) {
            await sleep(5);
            seen.push(`child ${r.value}`);
          },
        }),
        'parent',
      );
    await using driver = new TopologyTestDriver(topology, config);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1);
    expect(seen).toEqual(['child v', 'parent after v']);
  });

  it('gives record metadata, stream time, system time, task and application ids, and commit requests', async () => {
    const seen: { meta: RecordMetadata | undefined; streamTime: number; systemTime: number; taskId: string; appId: string; cfg: unknown }[] = [];
    const topology = new Topology().addSource('src', ['in-1', 'in-2']).addProcessor(
      'p',
      (): Processor<string, string> => {
        let ctx: ProcessorContext<never, never>;
        return {
          init: (c) => void (ctx = c),
          process: () => {
            seen.push({
              meta: ctx.recordMetadata(),
              streamTime: ctx.currentStreamTimeMs(),
              systemTime: ctx.currentSystemTimeMs(),
              taskId: ctx.taskId,
              appId: ctx.applicationId,
              cfg: ctx.appConfigs()['custom.setting'],
            });
            ctx.commit();
          },
        };
      },
      'src',
    );
    await using driver = new TopologyTestDriver(topology, { ...config, 'application.id': 'meta-app', 'custom.setting': 42 }, 7_000);
    await driver.createInputTopic('in-1', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 50);
    await driver.createInputTopic('in-2', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 20);
    await driver.createInputTopic('in-1', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 60);
    expect(seen).toEqual([
      { meta: { topic: 'in-1', partition: 0, offset: 0 }, streamTime: 50, systemTime: 7_000, taskId: '0_0', appId: 'meta-app', cfg: 42 },
      { meta: { topic: 'in-2', partition: 0, offset: 0 }, streamTime: 50, systemTime: 7_000, taskId: '0_0', appId: 'meta-app', cfg: 42 },
      { meta: { topic: 'in-1', partition: 0, offset: 1 }, streamTime: 60, systemTime: 7_000, taskId: '0_0', appId: 'meta-app', cfg: 42 },
    ]);
  });

  it('getStateStore throws an error naming the store and the processor', async () => {
    let error: unknown;
    const topology = new Topology().addSource('src', 'in').addProcessor(
      'counter',
      (): Processor<string, string> => ({
        init(ctx) {
          try {
            ctx.getStateStore('counts');
          } catch (e) {
            error = e;
          }
        },
        process: () => undefined,
      }),
      'src',
    );
    await using driver = new TopologyTestDriver(topology, config);
    await driver.advanceWallClockTime(0);
    expect(error).toBeInstanceOf(StreamsException);
    expect((error as Error).message).toMatch(/^Processor counter has no access to StateStore counts/);
  });

  it('accepts a supplier object with get(), and fixed-key processors through the adapter', async () => {
    class Shout implements FixedKeyProcessor<string, string, string> {
      #ctx!: FixedKeyProcessorContext<string, string>;
      init(ctx: FixedKeyProcessorContext<string, string>): void {
        this.#ctx = ctx;
      }
      process(r: Parameters<FixedKeyProcessor<string, string, string>['process']>[0]): void {
        this.#ctx.forward(r.withValue(`${r.value}!`).withTimestamp(r.timestamp + 1));
      }
    }
    const topology = new Topology()
      .addSource('src', 'in')
      .addProcessor('shout', adaptFixedKeyProcessorSupplier({ get: () => new Shout() }), 'src')
      .addSink('sink', 'out', 'shout');
    await using driver = new TopologyTestDriver(topology, config);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'hey', 5);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecord()).toEqual({ key: 'k', value: 'hey!', timestamp: 6, headers: [] });
  });

  it('calls init once per task before records, and close() on driver close', async () => {
    const calls: string[] = [];
    const topology = new Topology().addSource('src', 'in').addProcessor(
      'p',
      (): Processor<string, string> => ({
        async init() {
          await sleep(1);
          calls.push('init');
        },
        process: (r) => void calls.push(`process ${r.value}`),
        close: () => void calls.push('close'),
      }),
      'src',
    );
    const driver = new TopologyTestDriver(topology, config);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1);
    await driver.close();
    expect(calls).toEqual(['init', 'process v', 'close']);
  });
});
