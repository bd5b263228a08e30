/**
 * Where `kstreams run` gets its config from, and how text becomes typed config.
 *
 * Layers, later ones winning key by key: the app module's own `config`, then the `--config`
 * file, then environment variables, then `--property key=value` flags. Text values (from a file,
 * the environment or a flag) are converted once, after merging: numbers for Kafka's numeric keys,
 * serde names (`String`, `Long`, ...) for the serde keys.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ConfigException } from '../errors.js';
import type { StreamsConfigInput } from '../config.js';
import { parseProperties, PropertiesSyntaxError } from './properties-file.js';
import { serdeByName } from './serde-names.js';

/** One source of config values and its name for error messages (`--config streams.properties`). */
export interface ConfigLayer {
  readonly source: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** Keys whose values are numbers in {@link StreamsConfigInput}; text values are converted. */
export const NUMERIC_KEYS: ReadonlySet<string> = new Set([
  'num.stream.threads',
  'commit.interval.ms',
  'num.standby.replicas',
  'statestore.cache.max.bytes',
  'replication.factor',
  'buffered.records.per.partition',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'max.task.idle.ms',
  'transaction.timeout.ms',
  'acceptable.recovery.lag',
  'max.warmup.replicas',
  'probing.rebalance.interval.ms',
]);

/** Keys whose text values name a serde. */
export const SERDE_KEYS: ReadonlySet<string> = new Set(['default.key.serde', 'default.value.serde']);

const ENV_PREFIX = 'KSTREAMS_';

/**
 * Environment variables under `KSTREAMS_` that are not config: they configure the logger, the
 * test harness or the CLI itself, so turning them into `log.level`-style keys would be noise.
 */
const NOT_CONFIG = new Set(['KSTREAMS_LOG_LEVEL', 'KSTREAMS_QUERY_SERVER', 'KSTREAMS_QUERY_TOKEN', 'KSTREAMS_QUERY_HOST', 'KSTREAMS_DEBUG', 'KSTREAMS_INTEGRATION_SKIP']);

/**
 * Config from environment variables: `KSTREAMS_FOO_BAR` → `foo.bar` (so `KSTREAMS_APPLICATION_ID`
 * → `application.id`), and `KAFKA_BOOTSTRAP_SERVERS` → `bootstrap.servers` unless
 * `KSTREAMS_BOOTSTRAP_SERVERS` is set too (the more specific name wins).
 */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigLayer {
  const values: Record<string, string> = {};
  const kafkaBootstrap = env['KAFKA_BOOTSTRAP_SERVERS'];
  if (kafkaBootstrap !== undefined && kafkaBootstrap !== '') values['bootstrap.servers'] = kafkaBootstrap;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || NOT_CONFIG.has(name) || value === undefined || value === '') continue;
    const key = name.slice(ENV_PREFIX.length).toLowerCase().split('_').filter((part) => part !== '').join('.');
    if (key !== '') values[key] = value;
  }
  return { source: 'environment', values };
}

/**
 * Config from a `.properties` or `.json` file. JSON may nest objects; their keys are joined with
 * dots (`{ "application": { "id": "x" } }` is `application.id`).
 * @throws ConfigException when the file cannot be read or parsed, naming the file
 */
export async function configFromFile(path: string): Promise<ConfigLayer> {
  const source = `--config ${path}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigException(`Cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigException(`Config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigException(`Config file ${path} must hold a JSON object of config keys, but holds: ${JSON.stringify(parsed)}`);
    }
    return { source, values: flatten(parsed as Record<string, unknown>) };
  }
  if (ext === '.properties' || ext === '.conf' || ext === '') {
    try {
      return { source, values: Object.fromEntries(parseProperties(text)) };
    } catch (error) {
      if (error instanceof PropertiesSyntaxError) throw new ConfigException(`Config file ${path}, ${error.message}`, { cause: error });
      throw error;
    }
  }
  throw new ConfigException(`Config file ${path} must end in .properties or .json, but ends in '${ext}'`);
}

function flatten(object: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const dotted = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, flatten(value as Record<string, unknown>, dotted));
    else out[dotted] = value;
  }
  return out;
}

/**
 * `--property key=value` flags as a layer.
 * @throws ConfigException for a flag without `=` or with an empty key
 */
export function configFromProperties(pairs: readonly string[]): ConfigLayer {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigException(`--property must be key=value, but got: '${pair}'`);
    values[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return { source: '--property', values };
}

/** The merged config and, for each key, the layer its value came from. */
export interface MergedConfig {
  readonly config: Record<string, unknown>;
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * Merges layers (later wins) and converts text values of numeric and serde keys.
 * @throws ConfigException for a numeric key whose text is not a number, or an unknown serde
 *   name, naming the key and the layer the value came from
 */
export function mergeConfig(layers: readonly ConfigLayer[]): MergedConfig {
  const config: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      if (value === undefined) continue;
      config[key] = value;
      sources.set(key, layer.source);
    }
  }
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') continue;
    const from = sources.get(key);
    if (NUMERIC_KEYS.has(key)) {
      const n = value.trim() === '' ? Number.NaN : Number(value);
      if (!Number.isFinite(n)) throw new ConfigException(`Config '${key}' must be a number, but got '${value}' (from ${from})`);
      config[key] = n;
    } else if (SERDE_KEYS.has(key)) {
      try {
        config[key] = serdeByName(value, key);
      } catch (error) {
        throw new ConfigException(`${(error as Error).message} (from ${from})`, { cause: error });
      }
    }
  }
  return { config, sources };
}

/**
 * Checks the two keys every application needs, with a message that says where to set them.
 * The rest is validated by `KafkaStreams` itself (`resolveConfig`).
 * @throws ConfigException when `application.id` or `bootstrap.servers` is missing
 */
export function requireAppConfig(config: Record<string, unknown>): StreamsConfigInput {
  const missing = [
    ['application.id', 'KSTREAMS_APPLICATION_ID'],
    ['bootstrap.servers', 'KSTREAMS_BOOTSTRAP_SERVERS or KAFKA_BOOTSTRAP_SERVERS'],
  ].filter(([key]) => config[key!] === undefined || config[key!] === '');
  if (missing.length > 0) {
    throw new ConfigException(
      `Missing config: ${missing.map(([key, env]) => `'${key}' (set it in the module's config, --config, ${env}, or --property ${key}=...)`).join('; ')}`,
    );
  }
  return config as StreamsConfigInput;
}
