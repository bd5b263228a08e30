/**
 * The one way the rest of kstreams gets a Kafka client: `createKafkaClient` picks the adapter
 * from `bootstrapServers`, `embedded://NAME` for the in-process backend, anything else for
 * real Kafka through kafkajs.
 */
import { createEmbeddedClient } from './embedded/index.js';
import { createKafkajsClient } from './kafkajs/kafkajs-client.js';
import type { KafkaClient, KafkaClientOptions } from './port.js';

const EMBEDDED_SCHEME = 'embedded://';

/**
 * A Kafka port client for `options.bootstrapServers`.
 * @example createKafkaClient({ bootstrapServers: '127.0.0.1:9092', clientId: 'orders-app' })
 * @example createKafkaClient({ bootstrapServers: 'embedded://demo' }) // in-process cluster 'demo'
 * @throws when an `embedded://` address has no name, or a real address is not `host:port[,host:port]`.
 */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const servers = options.bootstrapServers.trim();
  if (servers.startsWith(EMBEDDED_SCHEME)) {
    const name = servers.slice(EMBEDDED_SCHEME.length);
    if (name.length === 0) throw new Error(`bootstrap.servers '${options.bootstrapServers}' names no embedded cluster: use embedded://NAME`);
    return createEmbeddedClient(name, options);
  }
  return createKafkajsClient(options);
}

export type * from './port.js';
