/**
 * Demo data at a steady rate, shaped like the seed's topics:
 *
 * - log lines keyed by the service that logged them (some errors, some too short to pass the
 *   filter), written to `stream_log` (the filter's input) and `test_log` (the window count's);
 *   each service has its own volume, which drifts slowly so that the window chart moves;
 * - addresses keyed by customer name, all of them at the start (so `andy` can be looked up at
 *   once) and then a customer moving every few seconds, to `address` and `address_v2` (the
 *   table and the global table of the two joins);
 * - orders keyed by customer name, to `order`.
 */
import type { KafkaProducer, ProducerRecord } from '../../src/kafka/port.js';

export const LOG_TOPICS = ['stream_log', 'test_log'] as const;
/** The address table's topic, and the global table's (the seed gives it 2 partitions: global tables need no co-partitioning). */
export const ADDRESS_TOPICS = ['address', 'address_v2'] as const;
export const ORDER_TOPIC = 'order';
/** Every topic the generator writes. */
export const GENERATED_TOPICS: readonly string[] = [...LOG_TOPICS, ...ADDRESS_TOPICS, ORDER_TOPIC];

/** Services and their share of the log volume. */
const SERVICES: ReadonlyArray<readonly [string, number]> = [
  ['checkout', 0.28], ['search', 0.22], ['catalog', 0.17], ['auth', 0.14], ['billing', 0.11], ['shipping', 0.08],
];
const LINES = [
  'GET /cart 200 12ms', 'POST /orders 201 48ms', 'cache miss', 'ok', 'ERROR payment declined', 'user signed in',
  'slow query 812ms', 'error: upstream timeout', 'GET /items 200 5ms', 'ping', 'GET /search?q=boots 200 31ms', 'retrying',
];
export const CUSTOMERS = [
  'andy', 'bea', 'chen', 'dmitri', 'emma', 'farah', 'gus', 'hana', 'ivan', 'jules', 'kofi', 'lena',
  'mateo', 'nina', 'oskar', 'priya', 'quinn', 'rosa', 'sami', 'tomas', 'uma', 'viktor', 'wen', 'yusuf',
];
const STREETS = ['Harbour Street', 'Mill Lane', 'Kastanienallee', 'Rue des Martyrs', 'Oudegracht', 'Rua das Flores', 'Elm Row', 'Via Roma', 'Calle Mayor', 'Storgatan'];
const CITIES = ['Bristol', 'Berlin', 'Paris', 'Utrecht', 'Porto', 'Edinburgh', 'Bologna', 'Madrid', 'Uppsala', 'Ghent'];
const PRODUCTS: ReadonlyArray<readonly [string, number]> = [
  ['coffee beans 1kg', 24], ['running shoes', 89.9], ['desk lamp', 39.5], ['wool socks', 12], ['notebook A5', 6.4],
  ['headphones', 129], ['tea sampler', 18.75], ['yoga mat', 32], ['water bottle', 15.9], ['backpack', 74],
];

export interface GeneratorOptions {
  /** Log lines per second (each goes to both log topics). */
  readonly logsPerSecond: number;
  /** Orders per second. */
  readonly ordersPerSecond: number;
  /** One customer moves (a new address) every this many ms. */
  readonly moveEveryMs: number;
}

export interface Generator {
  /** Records written so far, by topic. */
  produced(): Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const text = (s: string): Buffer => Buffer.from(s);

/** A plausible street address, e.g. `14 Mill Lane, Bristol`. */
export function randomAddress(): string {
  return `${1 + Math.floor(Math.random() * 180)} ${pick(STREETS)}, ${pick(CITIES)}`;
}

/** A plausible order line, e.g. `order-000042: 2 x wool socks (EUR 24.00)`. */
function orderLine(seq: number): string {
  const [product, price] = pick(PRODUCTS);
  const quantity = 1 + Math.floor(Math.random() * 3);
  return `order-${String(seq).padStart(6, '0')}: ${quantity} x ${product} (EUR ${(quantity * price).toFixed(2)})`;
}

/**
 * Writes every customer's address at once, then the steady streams of log lines, orders and
 * moves in 100 ms ticks (sends are chained so records keep their order) until stopped.
 */
export async function startGenerator(producer: KafkaProducer, options: GeneratorOptions): Promise<Generator> {
  const produced: Record<string, number> = Object.fromEntries(GENERATED_TOPICS.map((t) => [t, 0]));
  const count = (records: readonly ProducerRecord[]): void => {
    for (const r of records) produced[r.topic] = (produced[r.topic] ?? 0) + 1;
  };
  const moves = (name: string, now: number): ProducerRecord[] => {
    const address = randomAddress();
    return ADDRESS_TOPICS.map((topic) => ({ topic, key: text(name), value: text(address), timestamp: now }));
  };
  const initial = CUSTOMERS.flatMap((name) => moves(name, Date.now()));
  await producer.send(initial);
  count(initial);

  const tickMs = 100;
  const started = Date.now();
  let orderSeq = 0;
  let owedLogs = 0;
  let owedOrders = 0;
  let sinceMove = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    const now = Date.now();
    const records: ProducerRecord[] = [];
    // Fractional records carry over to the next tick, so low rates still come out right.
    owedLogs += (options.logsPerSecond * tickMs) / 1000;
    for (; owedLogs >= 1; owedLogs -= 1) {
      const service = serviceAt(now - started);
      const line = pick(LINES);
      for (const topic of LOG_TOPICS) records.push({ topic, key: text(service), value: text(line), timestamp: now });
    }
    owedOrders += (options.ordersPerSecond * tickMs) / 1000;
    for (; owedOrders >= 1; owedOrders -= 1) {
      orderSeq += 1;
      records.push({ topic: ORDER_TOPIC, key: text(pick(CUSTOMERS)), value: text(orderLine(orderSeq)), timestamp: now });
    }
    sinceMove += tickMs;
    if (sinceMove >= options.moveEveryMs) {
      sinceMove = 0;
      records.push(...moves(pick(CUSTOMERS), now));
    }
    if (records.length === 0) return;
    pending = pending.then(() => producer.send(records)).then(() => count(records), (e: unknown) => {
      console.error('generator: send failed', e);
    });
  }, tickMs);
  return {
    produced: () => ({ ...produced }),
    async stop() {
      clearInterval(timer);
      await pending;
    },
  };
}

/**
 * The service of the next log line: drawn by each service's share, each share swaying on its own
 * slow wave (periods of 40-90 s) so that the per-window counts rise and fall.
 */
function serviceAt(elapsedMs: number): string {
  const weights = SERVICES.map(([, share], i) => share * (1 + 0.6 * Math.sin((2 * Math.PI * elapsedMs) / (40_000 + i * 10_000) + i)));
  let draw = Math.random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < SERVICES.length; i++) {
    draw -= weights[i]!;
    if (draw <= 0) return SERVICES[i]![0];
  }
  return SERVICES[0]![0];
}
