import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createEmbeddedClient, resetEmbeddedCluster } from '../../src/kafka/embedded/index.js';
import type { KafkaAdmin, KafkaClient } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { Topology } from '../../src/topology/topology.js';
import { streamsConfig, unique } from './runtime-helpers.js';

/** What each test of an exactly-once file gets afresh: an embedded cluster, its admin, a state.dir. */
export interface EosFixture {
  name: string;
  bootstrap: string;
  client: KafkaClient;
  admin: KafkaAdmin;
  stateDir: string;
  /** Clients the test started; closed after it. */
  readonly open: KafkaStreams[];
}

/**
 * Registers the per-test setup of the exactly-once test files: a fresh embedded cluster named
 * `<prefix>-<id>` with a connected admin and a temporary state.dir; afterwards every client in
 * `open` is closed, the cluster reset and the directory removed.
 */
export function eosFixturePerTest(prefix: string): EosFixture {
  const f = { open: [] as KafkaStreams[] } as unknown as EosFixture;
  beforeEach(async () => {
    f.name = unique(prefix);
    f.bootstrap = `embedded://${f.name}`;
    f.client = createEmbeddedClient(f.name, { bootstrapServers: f.bootstrap });
    f.admin = f.client.admin();
    await f.admin.connect();
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
export function eosStreams(f: EosFixture, topology: Topology, overrides: Parameters<typeof streamsConfig>[2] = {}): KafkaStreams {
  const streams = new KafkaStreams(topology, streamsConfig(f.bootstrap, 'app', { 'processing.guarantee': 'exactly_once_v2', 'state.dir': f.stateDir, ...overrides }));
  f.open.push(streams);
  return streams;
}

/** The sum of application 'app''s committed offsets on `topic`. */
export async function committedOffsets(admin: KafkaAdmin, topic: string): Promise<number> {
  return (await admin.fetchCommittedOffsets('app', [topic])).reduce((n, o) => n + Math.max(0, o.offset), 0);
}
