/**
 * `kstreams reset <application.id>`: the application reset tool (see application-reset.ts).
 */
import { resolveConfig } from '../config.js';
import { ConfigException } from '../errors.js';
import { createKafkaClient } from '../kafka/index.js';
import { applyResetPlan, formatResetPlan, planReset } from './application-reset.js';
import type { CliOutput } from './cli-output.js';
import { configFromEnv, configFromFile, mergeConfig, type ConfigLayer } from './config-sources.js';

/** Options of `kstreams reset`. */
export interface ResetCommandOptions {
  readonly bootstrapServers?: string;
  readonly inputTopics: readonly string[];
  readonly dryRun: boolean;
  readonly stateDir?: string;
  readonly config?: string;
}

/** Resolves with the exit code (0). */
export async function resetCommand(applicationId: string, options: ResetCommandOptions, out: CliOutput): Promise<number> {
  const layers: ConfigLayer[] = [];
  if (options.config !== undefined) layers.push(await configFromFile(options.config));
  layers.push(configFromEnv(process.env));
  const flags: Record<string, string> = { 'application.id': applicationId };
  if (options.bootstrapServers !== undefined) flags['bootstrap.servers'] = options.bootstrapServers;
  if (options.stateDir !== undefined) flags['state.dir'] = options.stateDir;
  layers.push({ source: 'the command line', values: flags });
  const merged = mergeConfig(layers).config;
  if (typeof merged['bootstrap.servers'] !== 'string' || merged['bootstrap.servers'] === '') {
    throw new ConfigException('reset needs the cluster: pass --bootstrap-servers host:port (or set KAFKA_BOOTSTRAP_SERVERS)');
  }
  // resolveConfig validates the application id and gives state.dir the same default as KafkaStreams.
  const resolved = resolveConfig({ 'application.id': applicationId, 'bootstrap.servers': merged['bootstrap.servers'], 'state.dir': merged['state.dir'] as string | undefined });

  const admin = createKafkaClient({ bootstrapServers: resolved.bootstrapServers, clientId: `${applicationId}-reset`, logLevel: 'error' }).admin();
  await admin.connect();
  try {
    const plan = await planReset(admin, { applicationId, inputTopics: options.inputTopics, stateDir: resolved.stateDir });
    for (const line of formatResetPlan(plan, options.dryRun)) out.print(line);
    if (options.dryRun) return 0;
    await applyResetPlan(admin, plan, resolved.stateDir);
    out.print('Done: the application will reprocess its input from the earliest offsets at its next start.');
    return 0;
  } finally {
    await admin.disconnect();
  }
}
