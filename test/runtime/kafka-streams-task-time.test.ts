/**
 * A task's partition times survive a restart (Kafka Streams' `TopicPartitionMetadata`, committed
 * with each input offset, read back by `initializeTaskTime`): on the embedded backend, a client
 * processes records up to timestamp 200, closes (committing), and a new client of the same
 * application sees stream time 200, not the timestamp of its first record, when that record is
 * older; the timestamp extractor gets the partition time back too.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProducerRecord } from '../../src/kafka/port.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { eventually, produce, streamsConfig } from './runtime-helpers.js';

const f = embeddedClusterPerTest('task-time', { topics: [{ name: 'in', partitions: 1 }] });

const record = (key: string, timestamp: number): ProducerRecord => ({ topic: 'in', key: Buffer.from(key), value: Buffer.from('x'), timestamp });

describe('partition time across restarts (commit metadata)', () => {
  it('a restarted task starts from the committed partition time: stream time and the extractor\'s partition time', async () => {
    const seen: string[] = [];
    const topology = (): Topology => new Topology()
      .addSource('src', 'in', {
        keySerde: Serdes.String(), valueSerde: Serdes.String(),
        timestampExtractor: { extract: (r, partitionTime) => (seen.push(`${String(r.key)} extractor partitionTime=${partitionTime}`), r.timestamp) },
      })
      .addProcessor('p', (): Processor<string, string> => {
        let context: ProcessorContext<never, never>;
        return {
          init: (c) => { context = c; },
          process: (r) => void seen.push(`${r.key} streamTime=${context.currentStreamTimeMs()}`),
        };
      }, 'src');
    const start = async (): Promise<KafkaStreams> => {
      const s = new KafkaStreams(topology(), streamsConfig(f.bootstrap, 'app', { 'state.dir': join(f.stateDir, 's'), 'commit.interval.ms': 50 }));
      f.open.push(s);
      await s.start();
      return s;
    };
    await produce(f.client, [record('a', 100), record('b', 200)]);
    const first = await start();
    await eventually(() => seen.some((s) => s.startsWith('b streamTime')), 10_000, 'first run');
    await first.close();
    expect(seen.filter((s) => s.includes('streamTime'))).toEqual(['a streamTime=100', 'b streamTime=200']);

    seen.length = 0;
    await produce(f.client, [record('c', 50)]);
    await start();
    await eventually(() => seen.some((s) => s.startsWith('c streamTime')), 10_000, 'second run');
    expect(seen).toEqual(['c extractor partitionTime=200', 'c streamTime=200']);
  });
});
