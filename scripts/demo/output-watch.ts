/**
 * Counts what the demo's topologies write, from the moment the demo started: a group-less reader
 * from the current end of each output topic, keeping a count and the last record per topic.
 */
import type { ConsumedRecord, KafkaAdmin, KafkaClient } from '../../src/kafka/port.js';

export interface OutputWatch {
  /** Records seen per topic since the start. */
  counts(): ReadonlyMap<string, number>;
  last(topic: string): ConsumedRecord | undefined;
  stop(): Promise<void>;
}

export async function watchOutputs(client: KafkaClient, admin: KafkaAdmin, topics: readonly string[]): Promise<OutputWatch> {
  const counts = new Map<string, number>(topics.map((t) => [t, 0]));
  const last = new Map<string, ConsumedRecord>();
  const reader = client.reader({ clientId: 'kstreams-demo-watch' });
  const positions = await Promise.all(topics.map(async (topic) => (await admin.listOffsets(topic)).map((o) => ({ topic, partition: o.partition, offset: o.latest }))));
  await reader.assign(positions.flat());
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      for (const r of await reader.poll(500)) {
        counts.set(r.topic, (counts.get(r.topic) ?? 0) + 1);
        last.set(r.topic, r);
      }
    }
  })();
  return {
    counts: () => counts,
    last: (topic) => last.get(topic),
    async stop() {
      stopping = true;
      await loop;
      await reader.close();
    },
  };
}
