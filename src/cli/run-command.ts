/**
 * `kstreams run <app module>`: runs a user's topology as one instance of its application,
 * until SIGINT or SIGTERM, then closes cleanly (commits, closes stores, leaves the group).
 */
import { KafkaStreams } from '../runtime/kafka-streams.js';
import type { KafkaStreamsState } from '../runtime/streams-state.js';
import { loadAppModule } from './app-module.js';
import { configFromEnv, configFromFile, configFromProperties, mergeConfig, requireAppConfig, type ConfigLayer } from './config-sources.js';
import type { CliOutput } from './cli-output.js';
import { defaultBindHost, startQueryServerFor, type RunningQueryServer } from './query-server-loader.js';

/** Options of `kstreams run`, as commander parses them. */
export interface RunCommandOptions {
  readonly config?: string;
  readonly property: readonly string[];
  /** false with `--no-query-server`. */
  readonly queryServer: boolean;
  readonly queryHost?: string;
  readonly closeTimeout: number;
}

/** Resolves with the process exit code: 0 after a clean close on a signal, 1 otherwise. */
export async function runCommand(modulePath: string, options: RunCommandOptions, out: CliOutput): Promise<number> {
  const app = await loadAppModule(modulePath);
  const layers: ConfigLayer[] = [{ source: `the 'config' export of ${modulePath}`, values: await app.config() }];
  if (options.config !== undefined) layers.push(await configFromFile(options.config));
  layers.push(configFromEnv(process.env), configFromProperties(options.property));
  const config = requireAppConfig(mergeConfig(layers).config);
  const topology = await app.buildTopology(config);
  const streams = new KafkaStreams(topology, config);
  const applicationId = String(config['application.id']);

  // Installed before start(): a Ctrl-C while the group forms must still close the client.
  const starting = new AbortController();
  let stopRequested: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stopRequested = resolve));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      out.status(`${signal} again: exiting without a clean close`);
      process.exit(130);
    }
    starting.abort();
    stopRequested(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let failed = false;
  streams.setStateListener((next: KafkaStreamsState) => {
    if (next === 'ERROR') {
      failed = true;
      stopRequested(`the client failed: ${streams.lastError()?.message ?? 'unknown error'}`);
    }
  });

  let queryServer: RunningQueryServer | undefined;
  try {
    out.status(`starting application '${applicationId}' from ${app.path} on ${String(config['bootstrap.servers'])}`);
    try {
      await streams.start({ signal: starting.signal });
    } catch (error) {
      if (!starting.signal.aborted) throw error;
    }
    if (!starting.signal.aborted && streams.state() === 'RUNNING') {
      const server = config['application.server'];
      if (typeof server === 'string' && options.queryServer) {
        const token = typeof config['query.auth.token'] === 'string' ? config['query.auth.token'] : undefined;
        const started = await startQueryServerFor(streams, server, options.queryHost ?? defaultBindHost(server), token);
        if ('server' in started) {
          queryServer = started.server;
          out.status(`interactive queries at ${started.server.url} (application.server ${server})`);
        } else {
          out.status(`no query server: ${started.unavailable}`);
        }
      }
      out.status(`RUNNING; Ctrl-C (SIGINT) or SIGTERM closes it cleanly`);
    }
    const reason = await stopped;
    out.status(`${reason}: closing (commit, close stores, leave the group) ...`);
  } catch (error) {
    failed = true;
    out.error(`application '${applicationId}' failed to start: ${(error as Error).message}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // A second signal during close still forces the exit.
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
  }
  await queryServer?.close().catch((e: unknown) => out.error(`closing the query server: ${(e as Error).message}`));
  const clean = await streams.close({ timeoutMs: options.closeTimeout });
  if (!clean) {
    out.error(`close did not finish within ${options.closeTimeout} ms`);
    return 1;
  }
  if (failed || streams.state() === 'ERROR') return 1;
  out.status(`closed cleanly`);
  return 0;
}
