/**
 * `npm start`: the seed topologies with generated data, their state served over GraphQL with a
 * dashboard (scripts/demo/run.ts does the work; this is the console around it).
 *
 * Environment (the KSTREAMS_* names are those `kstreams run` and docker-compose.yml use):
 *   KAFKA_BOOTSTRAP_SERVERS       a real cluster (topics are created when missing); default: the embedded backend
 *   PORT                          GraphQL server and dashboard (default: the port of KSTREAMS_APPLICATION_SERVER, else 4000)
 *   KSTREAMS_APPLICATION_SERVER   this instance's host:port as the other instances reach it (default 127.0.0.1:PORT)
 *   KSTREAMS_QUERY_HOST           interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)
 *   KSTREAMS_STATE_DIR            where stores live (default: a temporary directory)
 *   DEMO_RATE                     log lines per second (default 50; orders at a tenth)
 *   DEMO_RUN_MS                   stop after this many ms (tests)
 *
 * The demo prints its own summary lines, so the library's JSON logs are kept to warnings unless
 * KSTREAMS_LOG_LEVEL asks for more; it is set before the library is loaded.
 */
import { hostname } from 'node:os';

process.env['KSTREAMS_LOG_LEVEL'] ??= 'warn';
const { startDemo } = await import('./demo/run.js');
const { SEED_APPS } = await import('./demo/seed-apps.js');

const env = process.env;
const applicationServer = env['KSTREAMS_APPLICATION_SERVER'];
const [serverHost, serverPort] = applicationServer === undefined ? [] : splitHostPort(applicationServer);
const port = Number(env['PORT'] ?? serverPort ?? 4000);
const listenHost = env['KSTREAMS_QUERY_HOST'] ?? '127.0.0.1';
const advertisedHost = serverHost ?? (listenHost === '0.0.0.0' || listenHost === '::' ? hostname() : listenHost);
const runForMs = env['DEMO_RUN_MS'] !== undefined ? Number(env['DEMO_RUN_MS']) : undefined;
const bootstrapServers = env['KAFKA_BOOTSTRAP_SERVERS'] ?? 'embedded://demo';
const logsPerSecond = Number(env['DEMO_RATE'] ?? 50);

/** `host:port` (IPv6 hosts in brackets) → [host, port]. */
function splitHostPort(hostPort: string): [string, string | undefined] {
  const cut = hostPort.lastIndexOf(':');
  if (cut <= 0 || hostPort.endsWith(']')) return [hostPort, undefined];
  return [hostPort.slice(0, cut), hostPort.slice(cut + 1)];
}

const started = new Date();
console.log(`kstreams demo on ${bootstrapServers.startsWith('embedded://') ? 'the embedded (in-process) Kafka backend' : `Kafka at ${bootstrapServers}`}; starting...`);
const demo = await startDemo({
  bootstrapServers, port, listenHost, advertisedHost, logsPerSecond, ...(env['KSTREAMS_STATE_DIR'] === undefined ? {} : { stateDir: env['KSTREAMS_STATE_DIR'] }),
}).catch((e: unknown) => {
  console.error(`The demo could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

const width = Math.max(...SEED_APPS.map((a) => a.name.length));
console.log('');
for (const app of SEED_APPS) {
  const running = demo.running.find((r) => r.app === app);
  const skipped = demo.skipped.find((s) => s.app === app);
  if (running !== undefined) console.log(`  running  ${app.name.padEnd(width)}  ${app.summary}  [${running.applicationId}]`);
  else if (skipped !== undefined) console.log(`  skipped  ${app.name.padEnd(width)}  ${skipped.reason}`);
}
console.log(`\nGenerating ${logsPerSecond} log lines/s (stream_log, test_log), ${logsPerSecond / 10} orders/s (order) and a customer moving every 2 s (address, address_v2).`);

const shown = listenHost === '127.0.0.1' || listenHost === '0.0.0.0' || listenHost === '::' ? 'localhost' : advertisedHost;
const base = `http://${shown}:${demo.port}`;
console.log(`\n  Dashboard  ${base}/`);
console.log(`  GraphQL    ${base}/graphql   (stores: ${demo.stores().join(', ') || 'none yet'})`);
console.log('\nTry:');
const curl = (query: string): string => `  curl -s ${base}/graphql -H 'content-type: application/json' -d '${JSON.stringify({ query })}'`;
const stores = demo.stores();
if (stores.includes('address')) console.log(curl('{ keyValue(store: "address", key: "andy") { value partition servedBy } }'));
if (stores.includes('counts-5s')) {
  console.log(curl(`{ windowed(store: "counts-5s", key: "checkout", from: "${started.toISOString()}", to: "2100-01-01T00:00:00Z") { start end value } }`));
}
console.log(curl('{ instances { endpoint state } stores { name type partitions } }'));
if (stores.includes('address')) console.log(`  npx tsx src/cli/main.ts query address andy --server ${shown}:${demo.port}`);
console.log('\nCtrl-C to stop.\n');

const show = (topic: string): string => {
  const r = demo.outputs.last(topic);
  const text = r === undefined ? '' : ` (last: ${r.key?.toString() ?? 'null'} -> ${r.value?.toString() ?? 'null'})`;
  return `${topic} ${demo.outputs.counts().get(topic) ?? 0}${text.length > 90 ? `${text.slice(0, 87)}...)` : text}`;
};
const report = setInterval(() => {
  const produced = demo.produced();
  const total = Object.values(produced).reduce((a, b) => a + b, 0);
  console.log(`produced ${total} | ${[...demo.outputs.counts().keys()].map(show).join(' | ')}`);
}, 5_000);

let stopping = false;
const shutdown = async (why: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  clearInterval(report);
  console.log(`\n${why}: stopping the generator and the server, committing and closing the stores...`);
  const clean = await demo.close();
  const produced = Object.values(demo.produced()).reduce((a, b) => a + b, 0);
  console.log(clean ? `Stopped cleanly after producing ${produced} records.` : 'Stopped, but some app did not close in time.');
  process.exit(clean ? 0 : 1);
};
// A Ctrl-C reaches npm, tsx and this process at once, and tsx relays it again: the repeats of the
// first five seconds are that echo (on a busy machine the loop, closing stores, may handle the
// relay well after the first; CI saw it past one second). A signal after that means "now": exit
// without waiting.
let firstSignalAt: number | undefined;
const onSignal = (name: string): void => {
  const now = Date.now();
  if (firstSignalAt === undefined) {
    firstSignalAt = now;
    void shutdown(name === 'SIGINT' ? 'Ctrl-C' : name);
  } else if (now - firstSignalAt > 5_000) {
    console.log('Second signal: exiting without waiting for the shutdown.');
    process.exit(130);
  }
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
if (runForMs !== undefined) setTimeout(() => void shutdown(`DEMO_RUN_MS=${runForMs} elapsed`), runForMs);
