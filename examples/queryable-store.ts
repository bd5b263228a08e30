/**
 * The seed's queryable store: the `address` topic materialized as the table store `address`,
 * served over GraphQL (instead of the seed's timer loop reading the store), so any instance
 * answers a lookup of any key, reading it where it lives.
 *
 *   address (topic) --table--> store 'address' <-- POST /graphql { keyValue(store: "address", key: "andy") { value servedBy } }
 *
 * Run one or more instances against a broker (the `address` topic must exist), each with its own
 * port:
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 QUERY_PORT=4001 npx tsx examples/queryable-store.ts
 *   curl -s localhost:4001/graphql -H 'content-type: application/json' \
 *     -d '{"query":"{ keyValue(store: \"address\", key: \"andy\") { value servedBy } }"}'
 *
 * `application.server` is `127.0.0.1:<QUERY_PORT>`: instances learn each other's address from
 * the consumer group and forward lookups to the owner of the key's partition.
 */
import { pathToFileURL } from 'node:url';
import { startQueryServer, type QueryServer } from '../graphql/index.js';
import { KafkaStreams, Materialized, Serdes, StreamsBuilder, StreamsConfig, type StreamsConfigInput, type Topology } from '../src/index.js';

export const ADDRESS_TOPIC = 'address';
export const ADDRESS_STORE = 'address';

/** The table of addresses by name, materialized as the queryable store `address`. */
export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  builder.table<string, string>(ADDRESS_TOPIC, Materialized.as<string, string>(ADDRESS_STORE));
  return builder.build();
}

/** String keys and values; broker from `KAFKA_BOOTSTRAP_SERVERS`; `application.server` on `port`. */
export function exampleConfig(port: number, overrides: Partial<StreamsConfigInput> = {}): StreamsConfigInput {
  return {
    [StreamsConfig.APPLICATION_ID_CONFIG]: 'queryable-store',
    [StreamsConfig.BOOTSTRAP_SERVERS_CONFIG]: process.env['KAFKA_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:19092',
    [StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG]: Serdes.String(),
    [StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG]: Serdes.String(),
    'application.server': `127.0.0.1:${port}`,
    ...overrides,
  };
}

/** Starts the application and its query server on `port`; resolves once both run. */
export async function startExample(port: number, config: StreamsConfigInput = exampleConfig(port)): Promise<{ streams: KafkaStreams; server: QueryServer }> {
  const streams = new KafkaStreams(buildTopology(), config);
  const server = await startQueryServer(streams, { port, host: '127.0.0.1', authToken: process.env['QUERY_AUTH_TOKEN'] });
  try {
    await streams.start();
  } catch (e) {
    await server.close();
    await streams.close();
    throw e;
  }
  return { streams, server };
}

async function main(): Promise<void> {
  const port = Number(process.env['QUERY_PORT'] ?? 4001);
  const { streams, server } = await startExample(port);
  console.log(`Serving store '${ADDRESS_STORE}' at ${server.url}; Ctrl-C to stop.`);
  const stop = (): void => {
    void server.close().then(() => streams.close({ timeoutMs: 30_000 })).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
