import type {
  GroupConsumer,
  KafkaAdmin,
  KafkaClient,
  KafkaClientOptions,
  KafkaProducer,
  PartitionReader,
  PartitionReaderOptions,
  GroupConsumerOptions,
  ProducerOptions,
} from '../port.js';
import { EmbeddedAdmin } from './admin.js';
import type { EmbeddedCluster } from './cluster.js';
import { EmbeddedGroupConsumer } from './group-consumer.js';
import { EmbeddedPartitionReader } from './partition-reader.js';
import { EmbeddedProducer } from './producer.js';

/** A client of one embedded cluster: the factory of its admin, producers, consumers and readers. */
export class EmbeddedClient implements KafkaClient {
  readonly #cluster: EmbeddedCluster;
  readonly #clientId: string;

  constructor(cluster: EmbeddedCluster, options: KafkaClientOptions) {
    this.#cluster = cluster;
    this.#clientId = options.clientId ?? 'kstreams';
  }

  admin(): KafkaAdmin {
    return new EmbeddedAdmin(this.#cluster);
  }

  producer(options?: ProducerOptions): KafkaProducer {
    return new EmbeddedProducer(this.#cluster, options);
  }

  consumer(options: GroupConsumerOptions): GroupConsumer {
    return new EmbeddedGroupConsumer(this.#cluster, options, this.#clientId);
  }

  reader(options?: PartitionReaderOptions): PartitionReader {
    return new EmbeddedPartitionReader(this.#cluster, options);
  }
}
