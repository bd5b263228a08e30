/**
 * Demo data: log lines (some of them errors, some too short to pass the filter) written at a
 * steady rate to `stream_log`, keyed by the service that logged them.
 */
import type { KafkaProducer } from '../../src/kafka/port.js';

const SERVICES = ['checkout', 'search', 'billing', 'auth', 'catalog', 'shipping'];
const LINES = [
  'GET /cart 200 12ms', 'POST /orders 201 48ms', 'cache miss', 'ok', 'ERROR payment declined',
  'user signed in', 'slow query 812ms', 'error: upstream timeout', 'GET /items 200 5ms', 'ping',
];

export interface Generator {
  stop(): Promise<void>;
  produced(): number;
}

/** Writes `ratePerSecond` log lines per second in small batches until stopped. */
export function startLogGenerator(producer: KafkaProducer, topic: string, ratePerSecond: number): Generator {
  let produced = 0;
  let seq = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((ratePerSecond * tickMs) / 1000));
  const timer = setInterval(() => {
    const records = Array.from({ length: perTick }, () => {
      seq += 1;
      const service = SERVICES[seq % SERVICES.length]!;
      const line = LINES[(seq * 7) % LINES.length]!;
      return { topic, key: Buffer.from(service), value: Buffer.from(line), timestamp: Date.now() };
    });
    pending = pending.then(() => producer.send(records)).then(() => { produced += records.length; }, (e: unknown) => {
      console.error('generator: send failed', e);
    });
  }, tickMs);
  return {
    produced: () => produced,
    async stop() {
      clearInterval(timer);
      await pending;
    },
  };
}
