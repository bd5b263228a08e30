/**
 * What every seed example shares: string serdes and the broker from `KAFKA_BOOTSTRAP_SERVERS`,
 * starting a client (closing it again when start fails), and running as a script until Ctrl-C.
 */
import { pathToFileURL } from 'node:url';
import { KafkaStreams, Serdes, StreamsConfig, type StreamsConfigInput, type Topology } from '../../src/index.js';

/** String keys and values; broker from `KAFKA_BOOTSTRAP_SERVERS` (default the local dev broker). */
export function stringExampleConfig(applicationId: string, overrides: Partial<StreamsConfigInput> = {}): StreamsConfigInput {
  return {
    [StreamsConfig.APPLICATION_ID_CONFIG]: applicationId,
    [StreamsConfig.BOOTSTRAP_SERVERS_CONFIG]: process.env['KAFKA_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:19092',
    [StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG]: Serdes.String(),
    [StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG]: Serdes.String(),
    ...overrides,
  };
}

/** Starts the application; resolves once it is RUNNING. A failed start closes the client before rethrowing. */
export async function startStreams(topology: Topology, config: StreamsConfigInput): Promise<KafkaStreams> {
  const streams = new KafkaStreams(topology, config);
  try {
    await streams.start();
  } catch (e) {
    await streams.close();
    throw e;
  }
  return streams;
}

/**
 * When `moduleUrl` is the script node was started with: prints the topology, starts it, prints
 * `banner`, and closes cleanly on SIGINT/SIGTERM (exit 1 when the close was not clean).
 */
export function runAsScript(moduleUrl: string, banner: string, start: (topology: Topology) => Promise<KafkaStreams>, topology: () => Topology): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const main = async (): Promise<void> => {
    const built = topology();
    console.log(built.describe().toString());
    const streams = await start(built);
    console.log(`${banner}; Ctrl-C to stop.`);
    const stop = (): void => {
      void streams.close({ timeoutMs: 30_000 }).then((clean) => process.exit(clean ? 0 : 1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  };
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
