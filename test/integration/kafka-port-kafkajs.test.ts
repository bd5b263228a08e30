/**
 * The Kafka port conformance suite against a real broker through the kafkajs adapter, plus the
 * kafkajs adapter's own behaviour where the port leaves room (listener failures, slow listeners,
 * reader range). The broker is the integration run's (test/integration/global-setup.ts): the one
 * at KAFKA_BOOTSTRAP_SERVERS, or one it starts with scripts/kafka-local.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/index.js';
import type { KafkaClient } from '../../src/kafka/port.js';
import { kafkaPortSuite } from '../kafka/port.suite.js';
import { errorType, RecordingListener, rejection, Scope, sleep, startConsumer, waitFor } from '../kafka/port-suite-support.js';
import { bootstrapServers, describeWithBroker } from './broker.js';

const client = (): KafkaClient => createKafkaClient({ bootstrapServers: bootstrapServers(), clientId: 'port-suite-kafkajs' });

describeWithBroker('kafkajs adapter on a real broker', () => {
  kafkaPortSuite('kafkajs', client, {
    topicPrefix: 'port-kafkajs-',
    // kafkajs keeps record headers in an object keyed by name and cannot encode a null value.
    supports: { interleavedHeaderOrder: false, nullHeaderValues: false },
  });

  describe('kafkajs adapter specifics', () => {
    const scope = new Scope();
    afterEach(() => scope.close());
    const unique = (label: string): string => `port-kafkajs-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

    async function topicWithRecords(kafka: KafkaClient, count: number): Promise<string> {
      const admin = kafka.admin();
      await admin.connect();
      scope.defer(() => admin.disconnect());
      const topic = unique('specifics');
      await admin.createTopics([{ name: topic, partitions: 1 }]);
      scope.defer(() => admin.deleteTopics([topic]));
      const producer = kafka.producer();
      await producer.connect();
      scope.defer(() => producer.disconnect());
      await producer.send(Array.from({ length: count }, (_, i) => ({ topic, key: null, value: Buffer.from(`v${i}`) })));
      return topic;
    }

    it('stops the consumer and reports to onError when a listener callback throws', async () => {
      const kafka = client();
      const topic = await topicWithRecords(kafka, 5);
      const listener = new RecordingListener({
        onBatch: () => {
          throw new Error('listener broke');
        },
      });
      const consumer = await startConsumer(scope, kafka, { groupId: unique('failing') }, [topic], listener);
      await waitFor('the error to reach onError', () => listener.errors.length > 0);
      expect(listener.errors.map((e) => e.message)).toEqual(['listener broke']);
      const batches = listener.events.filter((e) => e.kind === 'batch').length;
      await sleep(1_000);
      expect(listener.events.filter((e) => e.kind === 'batch').length).toBe(batches);
      await consumer.disconnect();
    });

    it('stays in the group while a listener holds a batch longer than the session timeout', async () => {
      const kafka = client();
      const topic = await topicWithRecords(kafka, 1);
      let held = false;
      const listener = new RecordingListener({
        onBatch: async () => {
          await sleep(9_000); // the broker's minimum session timeout is 6 s
          held = true;
        },
      });
      const consumer = await startConsumer(scope, kafka, { groupId: unique('slow'), sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000 }, [topic], listener);
      await waitFor('the slow batch', () => held, 20_000);
      await consumer.commitOffsets([{ topic, partition: 0, offset: 1 }]);
      expect(listener.events.map((e) => e.kind)).toEqual(['assign', 'batch']);
      expect(listener.errors).toEqual([]);
    }, 60_000);

    it('refuses a disconnect() from inside a listener callback instead of waiting for itself', async () => {
      const kafka = client();
      const topic = await topicWithRecords(kafka, 1);
      const running: { consumer?: Awaited<ReturnType<typeof startConsumer>> } = {};
      const attempts: unknown[] = [];
      const listener = new RecordingListener({
        onBatch: async () => {
          attempts.push(await rejection(running.consumer!.disconnect()));
        },
      });
      running.consumer = await startConsumer(scope, kafka, { groupId: unique('self-disconnect') }, [topic], listener);
      await waitFor('the batch', () => attempts.length > 0);
      expect(errorType(attempts[0])).toBe('ILLEGAL_STATE');
      expect(listener.errors).toEqual([]);
    });

    it('reports a reader position outside the log as OFFSET_OUT_OF_RANGE, naming the partition', async () => {
      const kafka = client();
      const topic = await topicWithRecords(kafka, 3);
      const reader = kafka.reader();
      scope.defer(() => reader.close());
      await reader.assign([{ topic, partition: 0, offset: 50 }]);
      const error = await rejection(reader.poll(200));
      expect(errorType(error)).toBe('OFFSET_OUT_OF_RANGE');
      expect(error.message).toContain(`${topic}-0`);
    });
  });
});
