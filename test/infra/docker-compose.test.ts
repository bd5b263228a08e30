/**
 * docker-compose.yml without Docker (this machine has none): its structure, the broker version
 * it shares with scripts/kafka-local, and a KRaft single-node setup whose listeners fit together
 * and whose broker settings match scripts/kafka-local.d/server.properties.template.
 *
 * There is no YAML package in the project, so the file is read with the tiny block-YAML reader
 * below (maps, lists, scalars; flow collections kept as text). It rejects what it cannot read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

function unquote(raw: string): string {
  const value = raw.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(value)) return JSON.parse(value) as string;
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replaceAll("''", "'");
  return value;
}

/** Reads block-style YAML: nested maps (`key: value`, `key:`) and lists (`- item`). */
function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, index) => {
    if (raw.includes('\t')) throw new Error(`line ${index + 1}: tab in YAML indentation`);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    lines.push({ number: index + 1, indent: raw.length - raw.trimStart().length, text: trimmed });
  });
  let at = 0;

  function block(indent: number): Yaml {
    const first = lines[at];
    if (first === undefined || first.indent !== indent) throw new Error(`line ${first?.number ?? 'EOF'}: expected indentation ${indent}`);
    if (first.text.startsWith('- ')) {
      const list: Yaml[] = [];
      while (lines[at]?.indent === indent && lines[at]?.text.startsWith('- ')) {
        list.push(unquote((lines[at] as Line).text.slice(2)));
        at++;
      }
      return list;
    }
    const map: { [key: string]: Yaml } = {};
    while (lines[at]?.indent === indent) {
      const line = lines[at] as Line;
      const match = /^([A-Za-z0-9_.-]+):(?:\s+(.*))?$/.exec(line.text);
      if (match === null) throw new Error(`line ${line.number}: not a 'key: value' line: ${line.text}`);
      const [, key = '', value] = match;
      if (key in map) throw new Error(`line ${line.number}: duplicate key '${key}'`);
      at++;
      if (value !== undefined && value !== '') {
        map[key] = unquote(value);
      } else {
        const next = lines[at];
        if (next === undefined || next.indent <= indent) throw new Error(`line ${line.number}: '${key}:' has no value`);
        map[key] = block(next.indent);
      }
    }
    const stray = lines[at];
    if (stray !== undefined && stray.indent > indent) throw new Error(`line ${stray.number}: unexpected indentation`);
    return map;
  }

  const document = block(0);
  if (at !== lines.length) throw new Error(`line ${lines[at]?.number}: unexpected content`);
  return document;
}

function asMap(value: Yaml | undefined, what: string): { [key: string]: Yaml } {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) throw new Error(`${what} is not a map`);
  return value;
}

const root = new URL('../../', import.meta.url);
const composeText = readFileSync(new URL('docker-compose.yml', root), 'utf8');
const pom = readFileSync(new URL('scripts/kafka-local.d/pom.xml', root), 'utf8');
const template = readFileSync(new URL('scripts/kafka-local.d/server.properties.template', root), 'utf8');

describe('the YAML reader used here', () => {
  it('reads nested maps, lists and quoted scalars, and rejects what it cannot read', () => {
    expect(parseYaml('a:\n  b: "x: y"\n  c:\n    - 1\n    - \'two\'\nd: e\n')).toEqual({ a: { b: 'x: y', c: ['1', 'two'] }, d: 'e' });
    expect(() => parseYaml('a:\n  b: 1\n   c: 2\n')).toThrow(/indentation/);
    expect(() => parseYaml('a: 1\na: 2\n')).toThrow(/duplicate/);
    expect(() => parseYaml('a:\nb: 1\n')).toThrow(/no value/);
  });
});

describe('docker-compose.yml', () => {
  const compose = asMap(parseYaml(composeText), 'the document');
  const services = asMap(compose.services, 'services');
  const kafka = asMap(services.kafka, 'services.kafka');
  const env = asMap(kafka.environment, 'services.kafka.environment') as Record<string, string>;

  it('runs the official apache/kafka image at the version scripts/kafka-local pins, on 9092', () => {
    const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(kafka.image).toBe(`apache/kafka:${version}`);
    expect(kafka.ports).toEqual(['9092:9092']);
  });

  it('is a single-node KRaft broker+controller whose listeners fit together', () => {
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    // A KRaft cluster id: 16 bytes in unpadded base64url, not starting with '-'.
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);

    const names = (list: string) => list.split(',').map((l) => l.split('://')[0]);
    const listeners = names(env.KAFKA_LISTENERS ?? '');
    const advertised = names(env.KAFKA_ADVERTISED_LISTENERS ?? '');
    const mapped = (env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '').split(',').map((m) => m.split(':')[0]);
    expect([...listeners].sort()).toEqual([...mapped].sort());
    expect(listeners).toContain(env.KAFKA_CONTROLLER_LISTENER_NAMES);
    expect(advertised).not.toContain(env.KAFKA_CONTROLLER_LISTENER_NAMES);
    expect(advertised).toContain(env.KAFKA_INTER_BROKER_LISTENER_NAME);
    expect(env.KAFKA_ADVERTISED_LISTENERS?.split(',')).toContain('EXTERNAL://localhost:9092');
  });

  it('configures the broker as scripts/kafka-local does for one node', () => {
    const perEnvironment = /^(node\.id|controller\.quorum\.voters|(advertised\.)?listeners|controller\.listener\.names|inter\.broker\.listener\.name|listener\.security\.protocol\.map|log\.dirs|num\.(network|io)\.threads|log\.cleaner\..*|process\.roles)$/;
    const shared = template
      .split('\n')
      .filter((line) => /^[a-z]/.test(line))
      .map((line) => line.split('=') as [string, string])
      .filter(([key]) => !perEnvironment.test(key));
    expect(shared.length).toBeGreaterThanOrEqual(8);
    for (const [key, value] of shared) {
      const single = value.replace('@REPLICATION@', '1').replace('@MIN_ISR@', '1');
      expect({ key, value: env[`KAFKA_${key.toUpperCase().replaceAll('.', '_')}`] }).toEqual({ key, value: single });
    }
  });

  it('keeps a commented place for the app services, pointing them at the internal listener', () => {
    const afterKafka = composeText.slice(composeText.indexOf('healthcheck:'));
    expect(afterKafka).toMatch(/^ {2}# .*application services/m);
    expect(afterKafka).toMatch(/^ {2}#\s+KAFKA_BOOTSTRAP_SERVERS: "kafka:29092"/m);
    expect(env.KAFKA_ADVERTISED_LISTENERS?.split(',')).toContain('INTERNAL://kafka:29092');
  });
});
