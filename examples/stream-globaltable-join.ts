/**
 * The seed's stream-globaltable join: each order is joined with the address of the customer it
 * names, looked up in a GlobalKTable.
 *
 *   order (stream) --join(address_v2 global table, key = customer of the order)--> order_join_v2
 *
 * Every instance reads all partitions of `address_v2` into its own copy of the table before it
 * processes orders, so `address_v2` may have any number of partitions (the seed's has 2 against
 * the 3 of `order`): no co-partitioning, no repartitioning. Orders are keyed by customer name
 * here too, and the key selector picks the customer; an order whose customer has no address is
 * dropped (an inner join).
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx examples/stream-globaltable-join.ts
 */
import { KafkaStreams, Materialized, StreamsBuilder, type StreamsConfigInput, type Topology } from '../src/index.js';
import { runAsScript, startStreams, stringExampleConfig } from './lib/example-app.js';

export const ORDER_TOPIC = 'order';
export const ADDRESS_TOPIC = 'address_v2';
export const OUTPUT_TOPIC = 'order_join_v2';
/** The global table's store (queryable under this name on every instance). */
export const ADDRESS_STORE = 'address_v2';

/** `order` joined with the GlobalKTable `address_v2` (by the order's customer) into `order_join_v2`. */
export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const addresses = builder.globalTable<string, string>(ADDRESS_TOPIC, Materialized.as<string, string>(ADDRESS_STORE));
  builder.stream<string, string>(ORDER_TOPIC)
    .join(addresses, (customer) => customer, (order, address) => `${order} send to ${address}`)
    .to(OUTPUT_TOPIC);
  return builder.build();
}

/** String keys and values; broker from `KAFKA_BOOTSTRAP_SERVERS`. */
export function exampleConfig(overrides: Partial<StreamsConfigInput> = {}): StreamsConfigInput {
  return stringExampleConfig('stream-globaltable-join', overrides);
}

/** Starts the application; resolves once it is RUNNING (after the global table was read). */
export async function startExample(config: StreamsConfigInput = exampleConfig(), topology: Topology = buildTopology()): Promise<KafkaStreams> {
  return startStreams(topology, config);
}

runAsScript(import.meta.url, `Joining ${ORDER_TOPIC} with the global table ${ADDRESS_TOPIC} into ${OUTPUT_TOPIC}`, (topology) => startExample(exampleConfig(), topology), () => buildTopology());
