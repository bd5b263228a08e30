import { describe, expect, it } from 'vitest';
import type { LogEntry } from 'kafkajs';
import { createLogCreator, isRoutine } from '../../src/kafka/kafkajs/log-bridge.js';

const entry = (level: number, message: string, extra: Record<string, unknown> = {}): LogEntry => ({
  namespace: 'Consumer',
  level,
  label: ({ 1: 'ERROR', 2: 'WARN', 4: 'INFO', 5: 'DEBUG' } as Record<number, string>)[level]!,
  log: { timestamp: '2024-01-01T00:00:00.000Z', message, ...extra },
});

function capture(level: Parameters<typeof createLogCreator>[0]): { lines: string[]; log: (e: LogEntry) => void } {
  const lines: string[] = [];
  const log = createLogCreator(level, (line) => lines.push(line))(0 as never);
  return { lines, log };
}

describe('kafkajs log bridge', () => {
  it('prints warnings and errors by default, as one line with the extra fields', () => {
    const { lines, log } = capture(undefined);
    log(entry(1, 'Crash: KafkaJSNumberOfRetriesExceeded', { groupId: 'g', buf: Buffer.from('abc') }));
    log(entry(2, 'Something odd'));
    log(entry(4, 'Consumer has joined the group'));
    expect(lines).toEqual(['kafkajs ERROR [Consumer] Crash: KafkaJSNumberOfRetriesExceeded {"groupId":"g","buf":"<3 bytes>"}\n', 'kafkajs WARN [Consumer] Something odd\n']);
  });

  it('demotes what kafkajs retries or expects (rebalances, already existing topics) to debug', () => {
    const rebalancing = entry(1, 'Response Heartbeat(key: 12, version: 3)', { error: 'The group is rebalancing, so a rejoin is needed' });
    expect(isRoutine(rebalancing)).toBe(true);
    expect(isRoutine(entry(2, 'The group is rebalancing, re-joining'))).toBe(true);
    expect(isRoutine(entry(1, 'Crash: KafkaJSNonRetriableError'))).toBe(false);
    // Protocol errors at the connection level are retried or thrown to the caller.
    expect(isRoutine({ ...entry(1, 'Response Fetch(key: 1, version: 11)', { error: 'The requested offset is not within the range' }), namespace: 'Connection' })).toBe(true);
    expect(isRoutine({ ...entry(1, 'Connection error: read ECONNRESET'), namespace: 'Connection' })).toBe(false);
    const quiet = capture('warn');
    quiet.log(rebalancing);
    expect(quiet.lines).toEqual([]);
    const verbose = capture('debug');
    verbose.log(rebalancing);
    expect(verbose.lines[0]).toMatch(/^kafkajs DEBUG \[Consumer\] Response Heartbeat/);
  });

  it("prints nothing at level 'nothing'", () => {
    const { lines, log } = capture('nothing');
    log(entry(1, 'Crash'));
    expect(lines).toEqual([]);
  });
});
