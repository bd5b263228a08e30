/**
 * kafkajs logs through a `logCreator`. Its defaults are loud for a library: every rebalance is
 * a warning, every retried protocol error an `error` line ("Response Heartbeat ... The group is
 * rebalancing"), although the client handles them and the caller sees any final failure as a
 * thrown error. The bridge writes one plain line per entry to stderr, at the configured level
 * (default `warn`), and first demotes the entries that are normal operation to `debug`.
 */
import type { logCreator, LogEntry } from 'kafkajs';
import type { KafkaClientOptions } from '../port.js';
import { KafkajsLogLevel } from './kafkajs-module.js';

type PortLogLevel = NonNullable<KafkaClientOptions['logLevel']>;

const LEVELS: Readonly<Record<PortLogLevel, number>> = {
  nothing: KafkajsLogLevel.NOTHING,
  error: KafkajsLogLevel.ERROR,
  warn: KafkajsLogLevel.WARN,
  info: KafkajsLogLevel.INFO,
  debug: KafkajsLogLevel.DEBUG,
};

const LABELS: Readonly<Record<number, string>> = { 1: 'ERROR', 2: 'WARN', 4: 'INFO', 5: 'DEBUG' };

// Messages (or the `error` field of "Response ..." entries) that describe retried or expected
// situations. Matched as substrings of kafkajs 2.2.4's texts.
const ROUTINE = [
  'The group is rebalancing',
  'The group member needs to have a valid member id',
  'This is not the correct coordinator for this group',
  "The coordinator is loading and hence can't process requests",
  'The group coordinator is not available',
  'another concurrent operation on the same transaction was ongoing',
  'There is no leader for this topic-partition',
  'This server is not the leader for that topic-partition',
  'This server does not host this topic-partition',
  'Topic with this name already exists',
  'The group id was not found',
  'Failed to send messages',
  'Limiting retries for the idempotent producer',
  'There are unstable offsets that need to be cleared',
];

/**
 * Whether a kafkajs entry describes normal operation, though kafkajs logs it as warn/error.
 * Every protocol error is first logged by kafkajs's Connection ("Response Fetch(key: 1, ...)");
 * kafkajs then either retries it or throws it, and the adapter rethrows it with a message
 * naming the topic or group: the connection-level line would report the same thing twice.
 */
export function isRoutine(entry: Pick<LogEntry, 'log'> & Partial<Pick<LogEntry, 'namespace'>>): boolean {
  const { message, error } = entry.log as { message: string; error?: unknown };
  if (entry.namespace === 'Connection' && message.startsWith('Response ')) return true;
  const texts = [message, typeof error === 'string' ? error : ''];
  return ROUTINE.some((routine) => texts.some((text) => text.includes(routine)));
}

export function kafkajsLogLevel(level: PortLogLevel | undefined): number {
  return LEVELS[level ?? 'warn'];
}

/** The kafkajs `logCreator` writing to `write` (stderr by default) at `level` and above. */
export function createLogCreator(level: PortLogLevel | undefined, write: (line: string) => void = (line) => process.stderr.write(line)): logCreator {
  const threshold = kafkajsLogLevel(level);
  return () => (entry: LogEntry) => {
    const effective = entry.level <= KafkajsLogLevel.WARN && isRoutine(entry) ? KafkajsLogLevel.DEBUG : entry.level;
    if (effective > threshold || threshold === KafkajsLogLevel.NOTHING) return;
    const { message, timestamp: _timestamp, logger: _logger, stack: _stack, ...extra } = entry.log as Record<string, unknown>;
    const details = Object.keys(extra).length > 0 ? ` ${safeJson(extra)}` : '';
    write(`kafkajs ${LABELS[effective] ?? entry.label} [${entry.namespace}] ${String(message)}${details}\n`);
  };
}

function safeJson(value: unknown): string {
  try {
    // Buffer.toJSON runs before the replacer, so a Buffer arrives as { type: 'Buffer', data }.
    return JSON.stringify(value, (_key, v: unknown) => {
      const json = v as { type?: unknown; data?: unknown } | null;
      return typeof json === 'object' && json !== null && json.type === 'Buffer' && Array.isArray(json.data) ? `<${json.data.length} bytes>` : v;
    });
  } catch {
    return '[unserializable]';
  }
}
