/**
 * The kafkajs adapter of the Kafka port: a `KafkaClient` for a real Kafka cluster.
 *
 * Nothing connects until a component's `connect()`. Every kafkajs component builds its own
 * Cluster (its own broker connections), so a client's footprint is one connection per broker
 * per producer, consumer, reader and admin in use, plus the group or transaction coordinator.
 */
import type { Kafka } from 'kafkajs';
import type {
  GroupConsumer,
  GroupConsumerOptions,
  KafkaAdmin,
  KafkaClient,
  KafkaClientOptions,
  KafkaProducer,
  PartitionReader,
  PartitionReaderOptions,
  ProducerOptions,
} from '../port.js';
import { KafkajsAdmin } from './admin.js';
import { kafkajsConfig } from './client-config.js';
import { KafkajsGroupConsumer } from './group-consumer.js';
import { Kafka as KafkaClass } from './kafkajs-module.js';
import { KafkajsPartitionReader } from './partition-reader.js';
import { KafkajsProducer } from './producer.js';

export class KafkajsClient implements KafkaClient {
  readonly #options: KafkaClientOptions;
  /** Shared by admin, producers and readers; consumers get their own (see group-consumer.ts). */
  readonly #kafka: Kafka;

  constructor(options: KafkaClientOptions) {
    this.#options = options;
    this.#kafka = new KafkaClass(kafkajsConfig(options));
  }

  admin(): KafkaAdmin {
    return new KafkajsAdmin(this.#kafka);
  }

  producer(options?: ProducerOptions): KafkaProducer {
    return new KafkajsProducer(this.#kafka, options);
  }

  consumer(options: GroupConsumerOptions): GroupConsumer {
    const kafka = new KafkaClass(kafkajsConfig({ ...this.#options, clientId: options.clientId ?? this.#options.clientId }));
    return new KafkajsGroupConsumer(kafka, options);
  }

  reader(options?: PartitionReaderOptions): PartitionReader {
    const kafka = options?.clientId !== undefined ? new KafkaClass(kafkajsConfig({ ...this.#options, clientId: options.clientId })) : this.#kafka;
    return new KafkajsPartitionReader(kafka, options);
  }
}

/** A Kafka port client on kafkajs for `options.bootstrapServers` (`host:port[,host:port]`). */
export function createKafkajsClient(options: KafkaClientOptions): KafkaClient {
  return new KafkajsClient(options);
}
