/** Shared helpers of the embedded backend's unit tests (test/kafka/embedded-*.test.ts). */
import { randomUUID } from 'node:crypto';
import type {
  AssignmentContext,
  ConsumedRecord,
  ConsumerListener,
  FetchedBatch,
  KafkaAdmin,
  KafkaClient,
  ProducerRecord,
  TopicPartition,
} from '../../src/kafka/port.js';
import { createEmbeddedClient, resetEmbeddedCluster } from '../../src/kafka/embedded/index.js';

export const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
export const text = (buffer: Buffer | null): string | null => (buffer === null ? null : buffer.toString('utf8'));
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface TestCluster {
  readonly name: string;
  readonly client: KafkaClient;
  readonly admin: KafkaAdmin;
  /** Resets the cluster (call in afterEach). */
  reset(): void;
}

/** A fresh cluster with a unique name, and a connected admin. */
export async function freshCluster(): Promise<TestCluster> {
  const name = `test-${randomUUID()}`;
  const client = createEmbeddedClient(name, { bootstrapServers: `embedded://${name}` });
  const admin = client.admin();
  await admin.connect();
  return { name, client, admin, reset: () => resetEmbeddedCluster(name) };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

export type ListenerEvent =
  | { readonly kind: 'revoked'; readonly partitions: readonly TopicPartition[] }
  | { readonly kind: 'assigned'; readonly partitions: readonly TopicPartition[]; readonly context: AssignmentContext }
  | { readonly kind: 'batch'; readonly batch: FetchedBatch }
  | { readonly kind: 'error'; readonly error: Error };

/**
 * Records every callback. Optional hooks run inside the callbacks (to commit, pause, seek, or
 * hang). Also checks the port's promise that callbacks never overlap.
 */
export class RecordingListener implements ConsumerListener {
  readonly events: ListenerEvent[] = [];
  readonly records: ConsumedRecord[] = [];
  overlapped = false;
  #inside = false;

  constructor(
    readonly hooks: {
      onBatch?: (batch: FetchedBatch) => Promise<void> | void;
      onAssigned?: (partitions: readonly TopicPartition[], context: AssignmentContext) => Promise<void> | void;
      onRevoked?: (partitions: readonly TopicPartition[]) => Promise<void> | void;
    } = {},
  ) {}

  async onPartitionsRevoked(partitions: readonly TopicPartition[]): Promise<void> {
    await this.#enter(async () => {
      this.events.push({ kind: 'revoked', partitions: [...partitions] });
      await this.hooks.onRevoked?.(partitions);
    });
  }

  async onPartitionsAssigned(partitions: readonly TopicPartition[], context: AssignmentContext): Promise<void> {
    await this.#enter(async () => {
      this.events.push({ kind: 'assigned', partitions: [...partitions], context });
      await this.hooks.onAssigned?.(partitions, context);
    });
  }

  async onBatch(batch: FetchedBatch): Promise<void> {
    await this.#enter(async () => {
      this.events.push({ kind: 'batch', batch });
      this.records.push(...batch.records);
      await this.hooks.onBatch?.(batch);
    });
  }

  onError(error: Error): void {
    this.events.push({ kind: 'error', error });
  }

  /** The partitions of the latest assignment (empty after a revocation). */
  get current(): TopicPartition[] {
    const last = [...this.events].reverse().find((e) => e.kind === 'assigned' || e.kind === 'revoked');
    return last?.kind === 'assigned' ? [...last.partitions] : [];
  }

  get assignments(): Extract<ListenerEvent, { kind: 'assigned' }>[] {
    return this.events.filter((e): e is Extract<ListenerEvent, { kind: 'assigned' }> => e.kind === 'assigned');
  }

  get batches(): FetchedBatch[] {
    return this.events.flatMap((e) => (e.kind === 'batch' ? [e.batch] : []));
  }

  /** The revoke/assign sequence, batches left out. */
  get lifecycle(): string[] {
    return this.kinds.filter((k) => k !== 'batch');
  }

  /** The callback sequence as short strings, e.g. `revoked`, `assigned`, `batch`. */
  get kinds(): string[] {
    return this.events.map((e) => e.kind);
  }

  async #enter(body: () => Promise<void>): Promise<void> {
    if (this.#inside) this.overlapped = true;
    this.#inside = true;
    try {
      await body();
    } finally {
      this.#inside = false;
    }
  }
}

/** `count` records with keys `k0..` and values `v0..` for one topic. */
export function records(topic: string, count: number, extra: Partial<ProducerRecord> = {}): ProducerRecord[] {
  return Array.from({ length: count }, (_, i) => ({ topic, key: bytes(`k${i}`), value: bytes(`v${i}`), ...extra }));
}

export const byPartition = (a: TopicPartition, b: TopicPartition): number =>
  a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;
