/**
 * `kstreams describe` and the module-loading errors shared by `run` and `describe`, through the
 * CLI process (test/cli/cli-process.ts). None of these needs a broker: describe never connects,
 * and `run` fails on config before it would.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../examples/filter.js';
import defaultExportTopology from './fixtures/default-export-app.js';
import { cleanEnv, runCli } from './cli-process.js';

describe('kstreams describe', { timeout: 60_000 }, () => {
  it('prints examples/filter.ts as Kafka Streams prints it, on stdout only', async () => {
    const result = await runCli(['describe', 'examples/filter.ts']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${buildTopology().describe().toString().replace(/\n+$/, '')}\n`);
    // The lines as Kafka Streams 4.1.2 prints the same program (see test/examples/filter-example.test.ts).
    expect(result.stdout).toContain('    Source: KSTREAM-SOURCE-0000000000 (topics: [stream_log])\n      --> KSTREAM-FILTER-0000000001\n');
    expect(result.stdout).toContain('    Sink: KSTREAM-SINK-0000000002 (topic: stream_log_filter)\n');
    expect(result.stderr).toBe('');
  });

  it('takes a module whose default export builds the topology', async () => {
    const result = await runCli(['describe', 'test/cli/fixtures/default-export-app.ts']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${defaultExportTopology().describe().toString().replace(/\n+$/, '')}\n`);
    expect(result.stdout).toContain('(topics: [left])');
    expect(result.stdout).toContain('(topic: both)');
  });

  it('fails with one clear line for a missing file and for a module without a topology', async () => {
    const missing = await runCli(['describe', 'test/cli/fixtures/absent.ts']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^kstreams: error: No application module at .*test\/cli\/fixtures\/absent\.ts\n$/);

    const none = await runCli(['describe', 'test/cli/fixtures/no-topology-app.ts']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no-topology-app\.ts must export buildTopology\(\) \(or a default export returning a Topology\); it exports: notATopology/);
    expect(none.stdout).toBe('');
  });
});

describe('kstreams run: config errors before any connection', { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kstreams-cli-run-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the missing application.id and where to set it', async () => {
    const result = await runCli(['run', 'test/cli/fixtures/env-topics-app.ts'], cleanEnv({ KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/kstreams: error: Missing config: 'application\.id' \(set it in the module's config, --config, KSTREAMS_APPLICATION_ID/);
    expect(result.stderr).not.toContain("'bootstrap.servers'");
  });

  it('reports a bad number in the --config file, naming key, value and file', async () => {
    const file = join(dir, 'bad.properties');
    await writeFile(file, 'application.id=cli-bad\nbootstrap.servers=127.0.0.1:1\nnum.stream.threads=two\n');
    const result = await runCli(['run', 'test/cli/fixtures/env-topics-app.ts', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Config 'num.stream.threads' must be a number, but got 'two' (from --config ${file})`);
  });

  it('reports an unknown serde name from the environment', async () => {
    const result = await runCli(['run', 'test/cli/fixtures/env-topics-app.ts'], cleanEnv({
      KSTREAMS_APPLICATION_ID: 'cli-bad', KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1', KSTREAMS_DEFAULT_VALUE_SERDE: 'Avro',
    }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Config 'default\.value\.serde' must name a built-in serde .* but got: 'Avro' \(from environment\)/);
  });

  it('rejects a module whose config export is not an object', async () => {
    const result = await runCli(['run', 'test/cli/fixtures/bad-config-app.ts'], cleanEnv({ KSTREAMS_APPLICATION_ID: 'x', KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The 'config' export of .*bad-config-app\.ts must be an object \(or a function returning one\), but is: string "application\.id=x"/);
  });

  it('rejects a usage error (commander) with the help hint', async () => {
    const result = await runCli(['reset']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: missing required argument 'application-id'");
    expect(result.stderr).toContain('kstreams <command> --help');
  });
});
