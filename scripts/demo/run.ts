/**
 * The demo behind `npm start`: the seed topologies on the embedded (in-process) Kafka backend,
 * or on a real cluster, fed by the generator, with one GraphQL query server (and its dashboard)
 * answering for the stores of all of them.
 *
 * `startDemo` is the whole demo as a function (tests run it in-process); scripts/start.ts is
 * the console around it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startQueryServer, type QueryServer } from '../../graphql/index.js';
import { resetEmbeddedCluster } from '../../src/kafka/embedded/index.js';
import { createKafkaClient } from '../../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient, KafkaProducer } from '../../src/kafka/port.js';
import { KafkaStreams, Serdes, type StreamsConfigInput, type Topology } from '../../src/index.js';
import type { QueryHost } from '../../src/query/query-host.js';
import { GENERATED_TOPICS, startGenerator, type Generator } from './generator.js';
import { watchOutputs, type OutputWatch } from './output-watch.js';
import { SEED_APPS, loadSeedApp, type LoadedSeedApp, type SeedApp } from './seed-apps.js';
import { unitedQueryHost, type AppQueryHost } from './united-query-host.js';

const EMBEDDED = 'embedded://';
/** Topics whose partition count the seed fixes; the others get `DemoOptions.partitions`. */
const TOPIC_PARTITIONS: Readonly<Record<string, number>> = { address_v2: 2 };

export interface DemoOptions {
  /** `embedded://NAME` (in-process) or a real cluster's `host:port[,host:port]`. */
  readonly bootstrapServers: string;
  /** Port of the GraphQL server and dashboard; 0 picks a free one. */
  readonly port: number;
  /** Interface to listen on (default 127.0.0.1; 0.0.0.0 in a container). */
  readonly listenHost?: string;
  /** Host other instances (and `servedBy`) use for this one: its `application.server` host (default 127.0.0.1). */
  readonly advertisedHost?: string;
  /** Log lines per second (default 50); orders come at a tenth of that. */
  readonly logsPerSecond?: number;
  /**
   * Where stores live (default: the OS temp dir). On real Kafka they are kept in
   * `<stateDir>/kstreams-demo-<port>` so that a restart restores from its checkpoints; on the
   * embedded backend in a fresh directory inside it, removed on close (the embedded topics die
   * with the process, so old state would not match them).
   */
  readonly stateDir?: string;
  /** Partitions of the topics the demo creates (default 3). */
  readonly partitions?: number;
  /** Which seed apps to try (default all of SEED_APPS). */
  readonly apps?: readonly SeedApp[];
}

/** A seed app that runs. */
export interface RunningApp {
  readonly app: SeedApp;
  readonly applicationId: string;
  readonly topology: Topology;
  readonly streams: KafkaStreams;
}

export interface RunningDemo {
  /** `http://<advertised host>:<port>/`: the dashboard; GraphQL at `graphql`. */
  readonly url: string;
  readonly port: number;
  readonly bootstrapServers: string;
  readonly running: readonly RunningApp[];
  /** Seed apps not running, and why (not landed yet, failed to load or to start). */
  readonly skipped: readonly { readonly app: SeedApp; readonly reason: string }[];
  /** Names of the stores the query server answers for. */
  stores(): string[];
  produced(): Readonly<Record<string, number>>;
  readonly outputs: OutputWatch;
  /** Stops the generator and the server, then closes every app (commit, close stores). True when all closed in time. */
  close(): Promise<boolean>;
}

/** The first sentence of an error's message: the console line stays one line (the logs have the rest). */
function firstSentence(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const end = message.search(/\.\s/);
  return end > 0 ? message.slice(0, end + 1) : message;
}

/** The user topics a topology reads and writes (internal repartition/changelog topics excluded: the runtime creates those). */
function userTopics(loaded: LoadedSeedApp, applicationId: string): string[] {
  const metadata = loaded.topology.metadata(applicationId);
  const internal = new Set(metadata.internalTopics.map((t) => t.name));
  return [
    ...metadata.subtopologies.flatMap((s) => s.sourceTopics.filter((t) => !internal.has(t) && !s.repartitionSourceTopics.includes(t))),
    ...metadata.sinkTopics,
    ...(metadata.globalStores ?? []).map((g) => g.topic),
  ];
}

/**
 * Starts the demo: loads the seed apps that exist, creates their topics, starts the query
 * server, then the apps (resolves once they are RUNNING) and the generator.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { bootstrapServers } = options;
  const embedded = bootstrapServers.startsWith(EMBEDDED);
  const partitions = options.partitions ?? 3;
  const logsPerSecond = options.logsPerSecond ?? 50;
  const advertisedHost = options.advertisedHost ?? '127.0.0.1';

  const skipped: { app: SeedApp; reason: string }[] = [];
  const loaded: { loaded: LoadedSeedApp; applicationId: string }[] = [];
  for (const app of options.apps ?? SEED_APPS) {
    const result = await loadSeedApp(app);
    if ('skipped' in result) skipped.push({ app, reason: result.reason });
    else loaded.push({ loaded: result.loaded, applicationId: String(result.loaded.config['application.id'] ?? `kstreams-demo-${app.name.replace(/\W+/g, '-')}`) });
  }
  if (loaded.length === 0) throw new Error(`No seed topology could be loaded: ${skipped.map((s) => s.reason).join('; ')}`);

  const client: KafkaClient = createKafkaClient({ bootstrapServers, clientId: 'kstreams-demo' });
  const admin: KafkaAdmin = client.admin();
  await admin.connect();
  const topics = new Set<string>(GENERATED_TOPICS);
  for (const l of loaded) for (const t of userTopics(l.loaded, l.applicationId)) topics.add(t);
  await admin.createTopics([...topics].map((name) => ({ name, partitions: TOPIC_PARTITIONS[name] ?? partitions })));

  // The server starts first: with port 0 the apps' application.server is known only then.
  const apps: AppQueryHost[] = [];
  let endpoint = `${advertisedHost}:${options.port}`;
  const united = unitedQueryHost(() => endpoint, apps);
  const server: QueryServer = await startQueryServer(united, { port: options.port, host: options.listenHost ?? '127.0.0.1' });
  endpoint = `${advertisedHost}:${server.port}`;

  const stateRoot = options.stateDir ?? tmpdir();
  mkdirSync(stateRoot, { recursive: true });
  const stateDir = embedded ? mkdtempSync(join(stateRoot, 'kstreams-demo-embedded-')) : join(stateRoot, `kstreams-demo-${server.port}`);
  const overrides: Partial<StreamsConfigInput> = {
    'bootstrap.servers': bootstrapServers,
    'application.server': endpoint,
    'state.dir': stateDir,
    // Window counts and tables become visible to queries as they flush: once a second.
    'commit.interval.ms': 1_000,
  };
  // Seed examples read and write strings unless their own config says otherwise.
  const defaults: Partial<StreamsConfigInput> = { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() };
  const created = loaded.map((l) => ({
    ...l,
    streams: new KafkaStreams(l.loaded.topology, { ...defaults, ...l.loaded.config, ...overrides, 'application.id': l.applicationId, 'bootstrap.servers': bootstrapServers }),
  }));
  const started = await Promise.allSettled(created.map((c) => c.streams.start()));
  const running: RunningApp[] = [];
  for (const [i, result] of started.entries()) {
    const c = created[i]!;
    if (result.status === 'fulfilled') {
      running.push({ app: c.loaded.app, applicationId: c.applicationId, topology: c.loaded.topology, streams: c.streams });
      apps.push({ applicationId: c.applicationId, host: (c.streams as unknown as { queryHost(): QueryHost }).queryHost() });
    } else {
      skipped.push({ app: c.loaded.app, reason: `failed to start: ${firstSentence(result.reason)}` });
      await c.streams.close({ timeoutMs: 10_000 });
    }
  }
  if (running.length === 0) {
    await server.close();
    await admin.disconnect();
    throw new Error(`No seed topology started: ${skipped.map((s) => `${s.app.name}: ${s.reason}`).join('; ')}`);
  }

  const producer: KafkaProducer = client.producer({ idempotent: true });
  await producer.connect();
  const outputs = await watchOutputs(client, admin, [...new Set(running.flatMap((r) => r.topology.metadata(r.applicationId).sinkTopics))]);
  const generator: Generator = await startGenerator(producer, { logsPerSecond, ordersPerSecond: logsPerSecond / 10, moveEveryMs: 2_000 });

  let closing: Promise<boolean> | undefined;
  return {
    url: `http://${advertisedHost}:${server.port}/`,
    port: server.port,
    bootstrapServers,
    running,
    skipped,
    stores: () => united.stores().map((s) => s.name),
    produced: () => generator.produced(),
    outputs,
    close: () => (closing ??= (async () => {
      await generator.stop();
      await server.close();
      const closed = await Promise.all(running.map((r) => r.streams.close({ timeoutMs: 20_000 })));
      await outputs.stop();
      await producer.disconnect();
      await admin.disconnect();
      if (embedded) resetEmbeddedCluster(bootstrapServers.slice(EMBEDDED.length));
      if (embedded) rmSync(stateDir, { recursive: true, force: true });
      return closed.every(Boolean);
    })()),
  };
}
