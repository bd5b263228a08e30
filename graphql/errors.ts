import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql/index.js';
import { StreamsException } from '../src/errors.js';

/** The error codes of DESIGN §4, public in `extensions.code`. */
export const queryErrorCodes = ['UNKNOWN_STORE', 'WRONG_STORE_TYPE', 'BAD_KEY', 'REBALANCING', 'OWNER_UNREACHABLE', 'LIMIT_EXCEEDED'] as const;
export type QueryErrorCode = (typeof queryErrorCodes)[number];

/** How long a client should wait before retrying a REBALANCING error. */
export const REBALANCING_RETRY_AFTER_MS = 1_000;

/**
 * The one place that maps kstreams errors to GraphQL codes (STYLE habit 8). Errors from another
 * instance arrive as `GraphQLError`s already carrying their code and pass through.
 */
export function queryErrorCode(error: unknown): QueryErrorCode | undefined {
  if (error instanceof GraphQLError) {
    const code = error.extensions['code'];
    return (queryErrorCodes as readonly unknown[]).includes(code) ? (code as QueryErrorCode) : undefined;
  }
  if (!(error instanceof StreamsException)) return undefined;
  switch (error.code) {
    case 'UNKNOWN_STORE':
    case 'WRONG_STORE_TYPE':
    case 'BAD_KEY':
    case 'OWNER_UNREACHABLE':
    case 'LIMIT_EXCEEDED':
      return error.code;
    case 'INVALID_STATE_STORE':
    case 'STORE_MIGRATED':
      return 'REBALANCING';
    default:
      return undefined;
  }
}

/** Apollo's `formatError`: our codes (and the retry hint) in `extensions`; internal errors without details. */
export function formatQueryError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = queryErrorCode(original) ?? queryErrorCode(error instanceof GraphQLError ? error.originalError : undefined);
  if (code === undefined) return formatted;
  const extensions: Record<string, unknown> = { ...formatted.extensions, code };
  if (code === 'REBALANCING') extensions['retryAfterMs'] = REBALANCING_RETRY_AFTER_MS;
  delete extensions['stacktrace'];
  return { ...formatted, extensions };
}

/** An error a remote instance answered with, keeping its code. */
export function remoteError(message: string, code: unknown, endpoint: string): GraphQLError {
  return new GraphQLError(`${endpoint}: ${message}`, { extensions: { code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' } });
}
