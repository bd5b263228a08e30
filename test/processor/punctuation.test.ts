import { describe, expect, it } from 'vitest';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { PunctuationType, type Cancellable } from '../../src/processor/punctuation.js';
import { Record } from '../../src/processor/record.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { Topology } from '../../src/topology/topology.js';

const config = { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() };

/** Logs records and punctuations, as the Java program that produced the expected sequences below. */
function loggingTopology(log: string[], schedules: (ctx: ProcessorContext<string, string>) => void): Topology {
  return new Topology().addSource('src', 'in').addProcessor(
    'p',
    (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init(c) {
          ctx = c;
          schedules(c);
        },
        process(r) {
          log.push(`process ts=${r.timestamp} streamTime=${ctx.currentStreamTimeMs()}`);
        },
      };
    },
    'src',
  );
}

describe('punctuation', () => {
  it('fires by stream time only as records advance it, with Kafka Streams\' exact firing points', async () => {
    const log: string[] = [];
    const topology = loggingTopology(log, (c) => {
      c.schedule(10, PunctuationType.STREAM_TIME, (ts) => {
        log.push(`stream punct ${ts} streamTime=${c.currentStreamTimeMs()}`);
      });
    });
    await using driver = new TopologyTestDriver(topology, config, 100_000);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    for (const ts of [3, 5, 9, 10, 12, 15, 4, 38, 39, 41, 40, 60]) await input.pipeInput('k', 'v', ts);
    // Nothing without records: advancing the wall clock does not move stream time.
    await driver.advanceWallClockTime(60_000);
    // The sequence Kafka Streams 4.1.2's TopologyTestDriver printed for the same program and input.
    expect(log).toEqual([
      'process ts=3 streamTime=3',
      'stream punct 3 streamTime=3',
      'process ts=5 streamTime=5',
      'process ts=9 streamTime=9',
      'process ts=10 streamTime=10',
      'stream punct 10 streamTime=10',
      'process ts=12 streamTime=12',
      'process ts=15 streamTime=15',
      'process ts=4 streamTime=15',
      'process ts=38 streamTime=38',
      'stream punct 38 streamTime=38',
      'process ts=39 streamTime=39',
      'process ts=41 streamTime=41',
      'stream punct 41 streamTime=41',
      'process ts=40 streamTime=41',
      'process ts=60 streamTime=60',
      'stream punct 60 streamTime=60',
    ]);
  });

  it('never fires by stream time before the first record', async () => {
    const log: string[] = [];
    await using driver = new TopologyTestDriver(loggingTopology(log, (c) => c.schedule(1, PunctuationType.STREAM_TIME, (ts) => void log.push(`punct ${ts}`))), config, 0);
    await driver.advanceWallClockTime(10_000);
    expect(log).toEqual([]);
  });

  it('fires by wall clock on advanceWallClockTime: first at start + interval, skipping missed intervals', async () => {
    const log: string[] = [];
    const topology = loggingTopology(log, (c) => c.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (ts) => void log.push(`wall punct ${ts}`)));
    await using driver = new TopologyTestDriver(topology, config, 100_000);
    await driver.advanceWallClockTime(999);
    expect(log).toEqual([]);
    await driver.advanceWallClockTime(1);
    await driver.advanceWallClockTime(2500);
    await driver.advanceWallClockTime(600);
    // As Kafka Streams 4.1.2 prints for the same steps.
    expect(log).toEqual(['wall punct 101000', 'wall punct 103500', 'wall punct 104100']);
    expect(driver.wallClockTimeMs).toBe(104_100);
  });

  it('stops after cancel(), also when cancelled from inside the punctuator', async () => {
    const log: string[] = [];
    let handle: Cancellable | undefined;
    let fired = 0;
    const topology = loggingTopology(log, (c) => {
      handle = c.schedule(100, PunctuationType.WALL_CLOCK_TIME, (ts) => {
        log.push(`wall ${ts}`);
        if (++fired === 2) handle?.cancel();
      });
      const other = c.schedule(100, PunctuationType.STREAM_TIME, (ts) => void log.push(`stream ${ts}`));
      other.cancel();
    });
    await using driver = new TopologyTestDriver(topology, config, 0);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 500);
    for (let i = 0; i < 5; i++) await driver.advanceWallClockTime(100);
    expect(log).toEqual(['process ts=500 streamTime=500', 'wall 100', 'wall 200']);
  });

  it('awaits async punctuators and forwards what they emit, with the wall-clock time', async () => {
    const topology = new Topology()
      .addSource('src', 'in')
      .addProcessor(
        'summary',
        (): Processor<string, string, string, string> => {
          let count = 0;
          return {
            init(ctx) {
              ctx.schedule(1000, PunctuationType.WALL_CLOCK_TIME, async (ts) => {
                await new Promise((resolve) => setTimeout(resolve, 5));
                ctx.forward(new Record('count', String(count), ts));
                count = 0;
              });
            },
            process() {
              count++;
            },
          };
        },
        'src',
      )
      .addSink('out', 'summary-topic', 'summary');
    await using driver = new TopologyTestDriver(topology, config, 5_000);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', '1', 1);
    await input.pipeInput('b', '2', 2);
    await driver.advanceWallClockTime(1000);
    const output = driver.createOutputTopic('summary-topic', Serdes.String(), Serdes.String());
    expect(output.readRecordsToList()).toEqual([{ key: 'count', value: '2', timestamp: 6_000, headers: [] }]);
  });

  it('rejects a non-positive interval', async () => {
    const errors: unknown[] = [];
    const topology = loggingTopology([], (c) => {
      try {
        c.schedule(0, PunctuationType.STREAM_TIME, () => undefined);
      } catch (e) {
        errors.push(e);
      }
    });
    await using driver = new TopologyTestDriver(topology, config);
    await driver.advanceWallClockTime(1);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/RangeError: The punctuation interval must be a number >= 1 ms, but got: 0/);
  });
});

