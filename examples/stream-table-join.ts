/**
 * The seed's stream-table join: each order is joined with its customer's current address.
 *
 *   order (stream) --join(address table, by key)--> order_join     "<order> send to <address>"
 *
 * `order` and `address` are keyed by customer name and must have the same number of partitions
 * (they are co-partitioned: a task reads partition n of both); with different counts the
 * application fails at start with a TopologyException naming both topics. An order whose
 * customer has no address yet is dropped (an inner join); address updates produce nothing.
 *
 * Run it against a broker (the topics must exist; `scripts/kafka-local start` gives a local one):
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx examples/stream-table-join.ts
 */
import { KafkaStreams, Materialized, StreamsBuilder, type StreamsConfigInput, type Topology } from '../src/index.js';
import { runAsScript, startStreams, stringExampleConfig } from './lib/example-app.js';

export const ORDER_TOPIC = 'order';
export const ADDRESS_TOPIC = 'address';
export const OUTPUT_TOPIC = 'order_join';
/** The address table's store (queryable under this name). */
export const ADDRESS_STORE = 'address';

/** `order` joined with the table `address` into `order_join`. */
export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const addresses = builder.table<string, string>(ADDRESS_TOPIC, Materialized.as<string, string>(ADDRESS_STORE));
  builder.stream<string, string>(ORDER_TOPIC)
    .join(addresses, (order, address) => `${order} send to ${address}`)
    .to(OUTPUT_TOPIC);
  return builder.build();
}

/** String keys and values; broker from `KAFKA_BOOTSTRAP_SERVERS`. */
export function exampleConfig(overrides: Partial<StreamsConfigInput> = {}): StreamsConfigInput {
  return stringExampleConfig('stream-table-join', overrides);
}

/** Starts the application; resolves once it is RUNNING (rejects when the topics are not co-partitioned). */
export async function startExample(config: StreamsConfigInput = exampleConfig(), topology: Topology = buildTopology()): Promise<KafkaStreams> {
  return startStreams(topology, config);
}

runAsScript(import.meta.url, `Joining ${ORDER_TOPIC} with the table ${ADDRESS_TOPIC} into ${OUTPUT_TOPIC}`, (topology) => startExample(exampleConfig(), topology), () => buildTopology());
