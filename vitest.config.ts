import { defineConfig } from 'vitest/config';

// Two projects: `unit` (no broker, parallel) and `integration` (a real Kafka broker from
// scripts/kafka-local or KAFKA_BOOTSTRAP_SERVERS, files one at a time: 2 cores).
export default defineConfig({
  test: {
    // The library logs JSON lines at 'info'; in tests only errors are worth the noise.
    env: { KSTREAMS_LOG_LEVEL: process.env['KSTREAMS_LOG_LEVEL'] ?? 'error' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
