/**
 * The `kstreams` command line (commander). Each command's module is imported only when that
 * command runs: `kstreams query` does not load kafkajs, and `--log-level` is in the environment
 * before the library's logger is created.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { processOutput, type CliOutput } from './cli-output.js';

/** What an action resolves with: the exit code the process should end with. */
type ExitCode = number;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function commaList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((t) => t.trim()).filter((t) => t !== '')];
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`must be a positive integer (milliseconds), but got '${value}'`);
  return n;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * Builds the program; `onExit` receives each action's exit code (main.ts ends the process with
 * it, tests may just record it).
 */
export function createProgram(onExit: (code: ExitCode) => void, out: CliOutput = processOutput): Command {
  const program = new Command('kstreams')
    .description('Kafka Streams for TypeScript: run, describe, query and reset kstreams applications')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(kstreams <command> --help shows the options)')
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('run')
    .description('run an application module (exports buildTopology() and optionally config) until SIGINT/SIGTERM')
    .argument('<app-module>', 'path of a .ts/.js module exporting buildTopology() (or a default export returning a Topology)')
    .option('-c, --config <file>', 'config file: Java .properties or .json, keys as in Kafka Streams (application.id, ...)')
    .option('-p, --property <key=value>', 'one config value; repeatable; wins over file and environment', collect, [])
    .option('--no-query-server', 'do not serve interactive queries even when application.server is set')
    .addOption(new Option('--query-host <host>', 'interface the query server listens on (default: loopback for a loopback application.server, else 0.0.0.0)').env('KSTREAMS_QUERY_HOST'))
    .option('--close-timeout <ms>', 'how long a clean close may take', positiveInteger, 60_000)
    .addOption(new Option('--log-level <level>', 'library log level (pino)').choices(LOG_LEVELS))
    .addHelpText('after', [
      '',
      'Config, later sources winning: the module\'s `config` export, --config, environment, --property.',
      'Environment: KSTREAMS_FOO_BAR sets foo.bar (KSTREAMS_APPLICATION_ID -> application.id);',
      'KAFKA_BOOTSTRAP_SERVERS sets bootstrap.servers. default.key.serde=String (Long, Json, ...) names a built-in serde.',
    ].join('\n'))
    .action(async (modulePath: string, options: { config?: string; property: string[]; queryServer: boolean; queryHost?: string; closeTimeout: number; logLevel?: string }) => {
      if (options.logLevel !== undefined) process.env['KSTREAMS_LOG_LEVEL'] = options.logLevel;
      const { runCommand } = await import('./run-command.js');
      onExit(await runCommand(modulePath, options, out));
    });

  program
    .command('describe')
    .description('print the topology of an application module, as Kafka Streams prints it')
    .argument('<app-module>', 'path of a .ts/.js module exporting buildTopology()')
    .option('-c, --config <file>', 'config file passed to buildTopology(config)')
    .action(async (modulePath: string, options: { config?: string }) => {
      process.env['KSTREAMS_LOG_LEVEL'] ??= 'warn';
      const { describeCommand } = await import('./describe-command.js');
      onExit(await describeCommand(modulePath, options, out));
    });

  program
    .command('query')
    .description('look a key up in a store of a running application (GraphQL keyValue); prints JSON')
    .argument('<store>', 'store name (e.g. the Materialized.as name)')
    .argument('<key>', 'the key, as text (parsed with the store\'s key serde)')
    .addOption(new Option('-s, --server <host:port>', 'any instance\'s query endpoint (host:port or URL)').env('KSTREAMS_QUERY_SERVER').default('localhost:4000'))
    .addOption(new Option('-t, --token <token>', 'shared secret (query.auth.token), sent as a bearer token').env('KSTREAMS_QUERY_TOKEN'))
    .option('--timeout <ms>', 'give up after this long', positiveInteger, 10_000)
    .action(async (store: string, key: string, options: { server: string; token?: string; timeout: number }) => {
      const { queryCommand } = await import('./query-command.js');
      onExit(await queryCommand(store, key, options, out));
    });

  program
    .command('reset')
    .description('reset an application: input offsets to earliest, delete internal topics, wipe local state')
    .argument('<application-id>', 'the application.id (also the consumer group id)')
    .addOption(new Option('-b, --bootstrap-servers <host:port,...>', 'the Kafka cluster').env('KAFKA_BOOTSTRAP_SERVERS'))
    .option('-i, --input-topics <topics>', 'comma-separated input topics whose committed offsets go back to earliest; repeatable', commaList, [])
    .option('--state-dir <dir>', 'the application\'s state.dir on this machine (default: as KafkaStreams, <tmp>/kstreams)')
    .option('-c, --config <file>', 'config file (.properties/.json) for bootstrap.servers and state.dir')
    .option('-n, --dry-run', 'only print what would be reset and deleted', false)
    .action(async (applicationId: string, options: { bootstrapServers?: string; inputTopics: string[]; stateDir?: string; config?: string; dryRun: boolean }) => {
      process.env['KSTREAMS_LOG_LEVEL'] ??= 'warn';
      const { resetCommand } = await import('./reset-command.js');
      onExit(await resetCommand(applicationId, options, out));
    });

  return program;
}

/** The version in the package.json nearest above this file (src/cli or dist/src/cli). */
function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kstreams' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: look one directory up
    }
  }
  return 'unknown';
}
