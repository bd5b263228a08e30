/**
 * kstreams/graphql: the interactive-query GraphQL server (DESIGN §4), a second entry point so
 * that the core library does not depend on GraphQL.
 */
export { startQueryServer } from './server.js';
export type { QueryServer, QueryServerOptions } from './server.js';
export { queryErrorCodes, REBALANCING_RETRY_AFTER_MS } from './errors.js';
export type { QueryErrorCode } from './errors.js';
export type { QueryMetrics } from './metrics.js';
export type { DocumentLimits } from './limits.js';
export type { TypedStores, TypedStoreField } from './typed-stores.js';
