import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createEmbeddedClient, resetEmbeddedCluster } from '../../src/kafka/embedded/index.js';
import type { KafkaAdmin, KafkaClient, NewTopic } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { Topology } from '../../src/topology/topology.js';
import { streamsConfig, unique } from './runtime-helpers.js';

/** What each test of a runtime file gets afresh: an embedded cluster, its admin, a state.dir. */
export interface EmbeddedFixture {
  name: string;
  bootstrap: string;
  client: KafkaClient;
  admin: KafkaAdmin;
  /** An empty temporary directory, for clients that keep local state. */
  stateDir: string;
  /** Clients the test started; closed after it. */
  readonly open: KafkaStreams[];
}

export interface EmbeddedFixtureOptions {
  /** Topics every test of the file starts with, created once the admin is connected. */
  topics?: readonly NewTopic[];
}

/**
 * Registers the per-test setup the runtime files share, so that no test sees another's topics,
 * groups or local state: a fresh embedded cluster named `<prefix>-<id>` with a connected admin,
 * `options.topics` created, and a temporary state.dir. Afterwards every client in `open` is
 * closed (before the cluster goes away, so closing still reaches it), the admin disconnected,
 * the cluster reset and the directory removed. The fields are filled in by `beforeEach`: read
 * them inside tests and hooks, not when the file loads.
 */
export function embeddedClusterPerTest(prefix: string, options: EmbeddedFixtureOptions = {}): EmbeddedFixture {
  const f = { open: [] as KafkaStreams[] } as unknown as EmbeddedFixture;
  beforeEach(async () => {
    f.name = unique(prefix);
    f.bootstrap = `embedded://${f.name}`;
    f.client = createEmbeddedClient(f.name, { bootstrapServers: f.bootstrap });
    f.admin = f.client.admin();
    await f.admin.connect();
    if (options.topics !== undefined) await f.admin.createTopics(options.topics);
    f.stateDir = await mkdtemp(join(tmpdir(), `kstreams-${prefix}-`));
  });
  afterEach(async () => {
    await Promise.all(f.open.splice(0).map((s) => s.close()));
    await f.admin.disconnect();
    resetEmbeddedCluster(f.name);
    await rm(f.stateDir, { recursive: true, force: true });
  });
  return f;
}

/** An exactly-once client of application 'app' on the fixture's cluster and state.dir, closed after the test. */
export function eosStreams(f: EmbeddedFixture, topology: Topology, overrides: Parameters<typeof streamsConfig>[2] = {}): KafkaStreams {
  const streams = new KafkaStreams(topology, streamsConfig(f.bootstrap, 'app', { 'processing.guarantee': 'exactly_once_v2', 'state.dir': f.stateDir, ...overrides }));
  f.open.push(streams);
  return streams;
}

/** The sum of application 'app''s committed offsets on `topic`. */
export async function committedOffsets(admin: KafkaAdmin, topic: string): Promise<number> {
  return (await admin.fetchCommittedOffsets('app', [topic])).reduce((n, o) => n + Math.max(0, o.offset), 0);
}
