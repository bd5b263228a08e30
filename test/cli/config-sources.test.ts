import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, configFromFile, configFromProperties, mergeConfig, requireAppConfig } from '../../src/cli/config-sources.js';
import { serdeByName } from '../../src/cli/serde-names.js';
import { ConfigException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';

/** Two serdes are the same kind when they write the same bytes for a probe value. */
const bytesOf = (serde: unknown, value: unknown): string => (serde as { serialize: (t: string, v: unknown) => Buffer }).serialize('t', value).toString('hex');

describe('configFromEnv', () => {
  it('maps KSTREAMS_FOO_BAR to foo.bar and KAFKA_BOOTSTRAP_SERVERS to bootstrap.servers', () => {
    const layer = configFromEnv({
      KSTREAMS_APPLICATION_ID: 'orders',
      KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092',
      KSTREAMS_NUM_STREAM_THREADS: '2',
      KSTREAMS_APPLICATION_SERVER: 'app-1:4001',
      HOME: '/root',
    });
    expect(layer.values).toEqual({
      'application.id': 'orders',
      'bootstrap.servers': 'kafka:9092',
      'num.stream.threads': '2',
      'application.server': 'app-1:4001',
    });
  });

  it('prefers KSTREAMS_BOOTSTRAP_SERVERS over KAFKA_BOOTSTRAP_SERVERS', () => {
    expect(configFromEnv({ KAFKA_BOOTSTRAP_SERVERS: 'generic:9092', KSTREAMS_BOOTSTRAP_SERVERS: 'specific:9092' }).values['bootstrap.servers']).toBe('specific:9092');
  });

  it('ignores the variables that configure the logger and the CLI, and empty values', () => {
    expect(configFromEnv({ KSTREAMS_LOG_LEVEL: 'debug', KSTREAMS_QUERY_SERVER: 'x:1', KSTREAMS_QUERY_HOST: '0.0.0.0', KSTREAMS_STATE_DIR: '' }).values).toEqual({});
  });
});

describe('configFromFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kstreams-cli-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a .properties file', async () => {
    const file = join(dir, 'streams.properties');
    await writeFile(file, '# app\napplication.id=orders\ncommit.interval.ms=500\n');
    expect((await configFromFile(file)).values).toEqual({ 'application.id': 'orders', 'commit.interval.ms': '500' });
  });

  it('reads a .json file, flattening nested objects into dotted keys', async () => {
    const file = join(dir, 'streams.json');
    await writeFile(file, JSON.stringify({ application: { id: 'orders', server: 'h:1' }, 'commit.interval.ms': 250 }));
    expect((await configFromFile(file)).values).toEqual({ 'application.id': 'orders', 'application.server': 'h:1', 'commit.interval.ms': 250 });
  });

  it('names the file in errors: missing, bad JSON, non-object JSON, unknown extension, bad escape', async () => {
    await expect(configFromFile(join(dir, 'absent.properties'))).rejects.toThrow(/Cannot read config file .*absent\.properties/);
    await writeFile(join(dir, 'bad.json'), '{ nope');
    await expect(configFromFile(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json is not valid JSON/);
    await writeFile(join(dir, 'list.json'), '[1]');
    await expect(configFromFile(join(dir, 'list.json'))).rejects.toThrow(/must hold a JSON object/);
    await writeFile(join(dir, 'streams.yaml'), 'a: 1');
    await expect(configFromFile(join(dir, 'streams.yaml'))).rejects.toThrow(/must end in \.properties or \.json, but ends in '\.yaml'/);
    await writeFile(join(dir, 'esc.properties'), 'a=\\uZZZZ');
    await expect(configFromFile(join(dir, 'esc.properties'))).rejects.toThrow(/esc\.properties, line 1: malformed/);
  });
});

describe('mergeConfig', () => {
  it('lets later layers win key by key and remembers where each value came from', () => {
    const { config, sources } = mergeConfig([
      { source: 'module', values: { 'application.id': 'from-module', 'commit.interval.ms': 30_000, 'state.dir': '/m' } },
      { source: 'file', values: { 'application.id': 'from-file', 'state.dir': '/f' } },
      { source: 'environment', values: { 'application.id': 'from-env' } },
      configFromProperties(['state.dir=/p']),
    ]);
    expect(config).toEqual({ 'application.id': 'from-env', 'commit.interval.ms': 30_000, 'state.dir': '/p' });
    expect(sources.get('application.id')).toBe('environment');
    expect(sources.get('commit.interval.ms')).toBe('module');
    expect(sources.get('state.dir')).toBe('--property');
  });

  it('converts text of numeric keys to numbers and leaves other text alone', () => {
    const { config } = mergeConfig([{ source: 'env', values: { 'num.stream.threads': '3', 'commit.interval.ms': ' 100 ', 'application.server': 'h:4001', 'query.auth.token': '123' } }]);
    expect(config).toEqual({ 'num.stream.threads': 3, 'commit.interval.ms': 100, 'application.server': 'h:4001', 'query.auth.token': '123' });
  });

  it('rejects a numeric key whose text is not a number, naming key, value and source', () => {
    expect(() => mergeConfig([{ source: '--config app.properties', values: { 'num.stream.threads': 'two' } }]))
      .toThrow("Config 'num.stream.threads' must be a number, but got 'two' (from --config app.properties)");
    expect(() => mergeConfig([{ source: 'environment', values: { 'commit.interval.ms': '' } }])).toThrow(ConfigException);
  });

  it('turns serde names into the built-in serdes, and keeps serde objects as they are', () => {
    const own = Serdes.Long();
    const { config } = mergeConfig([
      { source: 'module', values: { 'default.value.serde': own } },
      { source: 'file', values: { 'default.key.serde': 'String' } },
    ]);
    expect(config['default.value.serde']).toBe(own);
    expect(bytesOf(config['default.key.serde'], 'hé')).toBe(bytesOf(Serdes.String(), 'hé'));
  });

  it('rejects an unknown serde name with the accepted names and the source', () => {
    expect(() => mergeConfig([{ source: 'environment', values: { 'default.key.serde': 'Avro' } }]))
      .toThrow(/Config 'default\.key\.serde' must name a built-in serde \(String, ByteArray, .*\), but got: 'Avro' \(from environment\)/);
  });
});

describe('serdeByName', () => {
  it('accepts short names, Serdes.X, XSerde and Java class names, case-insensitively', () => {
    const long = bytesOf(Serdes.Long(), 42);
    for (const name of ['Long', 'long', 'Serdes.Long', 'LongSerde', 'org.apache.kafka.common.serialization.Serdes$LongSerde']) {
      expect(bytesOf(serdeByName(name, 'k'), 42), name).toBe(long);
    }
    expect(bytesOf(serdeByName('Integer', 'k'), 42)).toBe('0000002a');
    expect(bytesOf(serdeByName('Json', 'k'), { a: 1 })).toBe(Buffer.from('{"a":1}').toString('hex'));
  });

  it('knows Short, Float, Boolean, Bytes and ByteBuffer, also by Java class name', () => {
    expect(bytesOf(serdeByName('Short', 'k'), 1234)).toBe('04d2');
    expect(bytesOf(serdeByName('org.apache.kafka.common.serialization.Serdes$ShortSerde', 'k'), -2)).toBe('fffe');
    expect(bytesOf(serdeByName('Float', 'k'), 1.5)).toBe('3fc00000');
    expect(bytesOf(serdeByName('FloatSerde', 'k'), 1.5)).toBe('3fc00000');
    expect(bytesOf(serdeByName('Boolean', 'k'), true)).toBe('01');
    expect(bytesOf(serdeByName('Serdes$BooleanSerde', 'k'), false)).toBe('00');
    expect(bytesOf(serdeByName('Bytes', 'k'), Buffer.from('ab', 'hex'))).toBe('ab');
    expect(bytesOf(serdeByName('ByteBuffer', 'k'), Buffer.from('ab', 'hex'))).toBe('ab');
    expect(bytesOf(serdeByName('org.apache.kafka.common.serialization.Serdes$ByteBufferSerde', 'k'), Buffer.from('cd', 'hex'))).toBe('cd');
  });
});

describe('requireAppConfig', () => {
  it('passes a config that has application.id and bootstrap.servers', () => {
    expect(requireAppConfig({ 'application.id': 'a', 'bootstrap.servers': 'h:1' })['application.id']).toBe('a');
  });

  it('names every missing key and where it can be set', () => {
    expect(() => requireAppConfig({})).toThrow(/'application\.id' \(set it in .*KSTREAMS_APPLICATION_ID.*'bootstrap\.servers' \(set it in .*KAFKA_BOOTSTRAP_SERVERS/);
    expect(() => requireAppConfig({ 'application.id': 'a' })).toThrow(/^Missing config: 'bootstrap\.servers'/);
  });
});
