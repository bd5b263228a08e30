/**
 * `kstreams query <store> <key>`: one key lookup against a running application's query server.
 */
import type { CliOutput } from './cli-output.js';
import { queryEndpoint, queryKeyValue } from './query-client.js';

/** Options of `kstreams query`. */
export interface QueryCommandOptions {
  readonly server: string;
  readonly token?: string;
  readonly timeout: number;
}

/**
 * Prints the `KeyValue` (`{ key, value, partition, servedBy }`) as JSON, or `null` when the
 * store has no value for the key; resolves with the exit code (0).
 * @throws QueryFailedError when the server is unreachable or the query fails
 */
export async function queryCommand(store: string, key: string, options: QueryCommandOptions, out: CliOutput): Promise<number> {
  const endpoint = queryEndpoint(options.server);
  const result = await queryKeyValue(endpoint, store, key, { token: options.token, timeoutMs: options.timeout });
  out.print(JSON.stringify(result, null, 2));
  return 0;
}
