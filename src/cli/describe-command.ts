/**
 * `kstreams describe <app module>`: prints the module's topology as Kafka Streams prints it
 * (`topology.describe().toString()`), without connecting to any broker.
 */
import { loadAppModule } from './app-module.js';
import type { CliOutput } from './cli-output.js';
import { configFromEnv, configFromFile, mergeConfig, type ConfigLayer } from './config-sources.js';

/** Options of `kstreams describe`. */
export interface DescribeCommandOptions {
  readonly config?: string;
}

/** Resolves with the exit code (0). */
export async function describeCommand(modulePath: string, options: DescribeCommandOptions, out: CliOutput): Promise<number> {
  const app = await loadAppModule(modulePath);
  // The module may build differently depending on config, so it gets the same merged config as `run`.
  const layers: ConfigLayer[] = [{ source: `the 'config' export of ${modulePath}`, values: await app.config() }];
  if (options.config !== undefined) layers.push(await configFromFile(options.config));
  layers.push(configFromEnv(process.env));
  const topology = await app.buildTopology(mergeConfig(layers).config);
  out.print(topology.describe().toString().replace(/\n+$/, ''));
  return 0;
}
