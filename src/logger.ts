import { pino, type Logger } from 'pino';

/**
 * The shared logger (pino, JSON lines on stdout). Level from `KSTREAMS_LOG_LEVEL`
 * (default 'info'); components log through `logger.child({ ... })` carrying their names.
 */
export const logger: Logger = pino({
  name: 'kstreams',
  level: process.env['KSTREAMS_LOG_LEVEL'] ?? 'info',
});
