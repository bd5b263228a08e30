import { createEmbeddedClient } from '../kafka/embedded/index.js';
import type { KafkaClient, KafkaClientOptions } from '../kafka/port.js';

// TEMPORARY until src/kafka/index.ts (createKafkaClient) lands.
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const m = /^embedded:\/\/(.+)$/.exec(options.bootstrapServers);
  if (m?.[1] === undefined) throw new Error('kafkajs adapter not wired yet');
  return createEmbeddedClient(m[1], options);
}
