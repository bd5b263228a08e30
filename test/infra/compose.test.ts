/**
 * The application side of docker-compose.yml and the Dockerfile, without Docker (this machine
 * has none): two demo instances built from the Dockerfile, wired to the broker's internal
 * listener, each with its own application.server published on the host, and an image that
 * builds what `npm start` needs. The Kafka service itself is checked in docker-compose.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/cli/config-sources.js';
import { asMap, parseComposeYaml } from './compose-yaml.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

describe('the compose YAML reader', () => {
  it('reads maps, lists, quoted scalars and flow lists of strings', () => {
    expect(parseComposeYaml('a:\n  b: "x: y"\n  c:\n    - "1:1"\n    - \'it\'\'s\'\n  d: ["CMD", "ls -l"]\ne: plain # comment\n'))
      .toEqual({ a: { b: 'x: y', c: ['1:1', "it's"], d: ['CMD', 'ls -l'] }, e: 'plain' });
  });

  it('rejects what it does not read, with the line number', () => {
    expect(() => parseComposeYaml('a: &anchor 1\n')).toThrow(/line 1: anchors/);
    expect(() => parseComposeYaml('a:\n  - name: x\n')).toThrow(/line 2: maps inside lists/);
    expect(() => parseComposeYaml('a: {b: 1}\n')).toThrow(/flow maps/);
    expect(() => parseComposeYaml('a: [1, 2]\n')).toThrow(/flow lists of quoted strings/);
    expect(() => parseComposeYaml('a:\n  b: 1\n    c: 2\n')).toThrow(/line 3: unexpected indentation/);
    expect(() => parseComposeYaml('a: 1\na: 2\n')).toThrow(/duplicate key 'a'/);
  });
});

describe('docker-compose.yml app services', () => {
  const compose = asMap(parseComposeYaml(read('docker-compose.yml')), 'the document');
  const services = asMap(compose['services'], 'services');
  const kafka = asMap(services['kafka'], 'services.kafka');
  const kafkaEnv = asMap(kafka['environment'], 'kafka environment') as Record<string, string>;
  const apps = ['app-1', 'app-2'].map((name) => ({ name, service: asMap(services[name], `services.${name}`) }));
  const env = (service: Record<string, unknown>): Record<string, string> => asMap(service['environment'] as never, 'environment') as Record<string, string>;

  it('has exactly the broker and two app instances', () => {
    expect(Object.keys(services).sort()).toEqual(['app-1', 'app-2', 'kafka']);
  });

  it('builds both instances from the Dockerfile as one image, with an init process for clean signals', () => {
    for (const { service } of apps) {
      expect(service['build']).toBe('.');
      expect(service['image']).toBe('kstreams-demo');
      expect(service['init']).toBe('true');
    }
  });

  it('starts them once the broker is healthy, and the broker has a health check', () => {
    for (const { service } of apps) expect(service['depends_on']).toEqual({ kafka: { condition: 'service_healthy' } });
    const test = asMap(kafka['healthcheck'], 'kafka healthcheck')['test'];
    expect(Array.isArray(test) && test[0] === 'CMD-SHELL').toBe(true);
  });

  it('points them at an address the broker advertises on its service name (the in-network listener)', () => {
    const advertised = (kafkaEnv['KAFKA_ADVERTISED_LISTENERS'] ?? '').split(',').map((l) => l.split('://')[1]);
    const brokerHost = kafka['hostname'] ?? 'kafka';
    for (const { service } of apps) {
      const bootstrap = env(service)['KAFKA_BOOTSTRAP_SERVERS'];
      expect(advertised).toContain(bootstrap);
      expect(bootstrap?.split(':')[0]).toBe(brokerHost);
    }
  });

  it('gives each instance its own application.server on its service name, published on the same host port', () => {
    const ports = apps.map(({ name, service }) => {
      const server = env(service)['KSTREAMS_APPLICATION_SERVER'] ?? '';
      const [host, port] = server.split(':');
      expect(host).toBe(name);
      expect(service['ports']).toEqual([`${port}:${port}`]);
      // The query server must accept connections from the other container and the published port.
      expect(env(service)['KSTREAMS_QUERY_HOST']).toBe('0.0.0.0');
      return port;
    });
    expect(ports).toEqual(['4001', '4002']);
  });

  it('uses environment names that become the intended config keys', () => {
    for (const { service } of apps) {
      const config = configFromEnv(env(service)).values;
      expect(config['bootstrap.servers']).toBe(env(service)['KAFKA_BOOTSTRAP_SERVERS']);
      expect(config['application.server']).toBe(env(service)['KSTREAMS_APPLICATION_SERVER']);
      expect(config['state.dir']).toBe('/var/lib/kstreams');
      expect(Object.keys(config).sort()).toEqual(['application.server', 'bootstrap.servers', 'state.dir']);
    }
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+\s/.test(l));
  const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

  it('builds on node:20-slim (the Node major package.json requires) with npm ci and npm run build, and runs the npm start script with node itself', () => {
    expect(instructions[0]).toBe('FROM node:20-slim');
    expect(engines).toBe('>=20');
    const runs = instructions.filter((l) => l.startsWith('RUN ')).join('\n');
    expect(runs).toMatch(/^RUN npm ci\b/m);
    expect(runs).toMatch(/^RUN npm run build\b/m);
    // The lockfile is copied before the sources, so dependency layers survive source changes.
    expect(instructions.indexOf('COPY package.json package-lock.json ./')).toBeLessThan(instructions.indexOf('COPY . .'));
    // npm would not forward docker stop's SIGTERM: node runs the start script's file directly.
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    expect(start).toBe('tsx scripts/start.ts');
    expect(instructions.at(-1)).toBe('CMD ["node", "--import", "tsx", "scripts/start.ts"]');
  });

  it('runs as the unprivileged node user with a writable state directory, the one compose sets', () => {
    expect(instructions).toContain('USER node');
    expect(dockerfile).toMatch(/mkdir -p \/var\/lib\/kstreams[\s\S]*chown node:node \/var\/lib\/kstreams/);
    expect(instructions).toContain('ENV KSTREAMS_STATE_DIR=/var/lib/kstreams');
  });

  it('keeps local builds, caches and dependencies out of the build context, but nothing the build needs', () => {
    for (const path of ['node_modules', 'dist', '.kafka-local', '.git']) expect(ignored).toContain(path);
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'graphql', 'examples', 'scripts'];
    for (const path of needed) {
      expect(ignored.filter((pattern) => pattern === path || path.startsWith(`${pattern}/`) || (pattern.includes('*') && new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`).test(path)))).toEqual([]);
    }
  });
});
