/**
 * The kafkajs client configuration for our port's `KafkaClientOptions`.
 */
import type { KafkaConfig } from 'kafkajs';
import type { KafkaClientOptions } from '../port.js';
import { illegalState } from './kafkajs-error.js';
import { createLogCreator, kafkajsLogLevel } from './log-bridge.js';

/** `host:port[,host:port]` to kafkajs's broker list. */
export function parseBootstrapServers(bootstrapServers: string): string[] {
  const brokers = bootstrapServers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const bad = brokers.filter((b) => !/^[^\s:/]+:\d+$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(b));
  if (brokers.length === 0 || bad.length > 0) {
    throw illegalState(`bootstrap.servers must be 'host:port[,host:port...]', but got: '${bootstrapServers}'`);
  }
  return brokers;
}

export function kafkajsConfig(options: KafkaClientOptions): KafkaConfig {
  return {
    clientId: options.clientId ?? 'kstreams',
    brokers: parseBootstrapServers(options.bootstrapServers),
    // A loopback or LAN broker answers in milliseconds; kafkajs's 1 s default connect timeout is
    // fine, but its retry budget per request (5 retries from 300 ms) is what bounds how long an
    // unreachable broker takes to surface as an error.
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 3_000 },
    logLevel: kafkajsLogLevel(options.logLevel),
    logCreator: createLogCreator(options.logLevel),
  };
}
