import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

/** A body this endpoint answered itself (fast paths); undefined lets Apollo answer. */
export type FastPath = (req: IncomingMessage, body: unknown) => Promise<{ json: string; headers?: Record<string, string> }> | undefined;

export interface GraphQLEndpointOptions<TContext extends BaseContext> {
  readonly apollo: ApolloServer<TContext>;
  /** Largest body in bytes; a larger one is answered 400 without being read whole. */
  readonly maxBodyBytes: number;
  /** False answers 401. */
  readonly authorized: (req: IncomingMessage) => boolean;
  readonly context: (req: IncomingMessage) => TContext;
  readonly fastPath?: FastPath;
  /** Starts a request's metrics; the function returned ends them with the answer's errors. */
  readonly track?: (req: IncomingMessage) => (errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>) => void;
  /** Called when a request fails outside GraphQL (a bug): answered 500. */
  readonly onError?: (error: unknown) => void;
}

/**
 * `POST|GET /graphql` on `node:http` straight into Apollo's `executeHTTPGraphQLRequest` (what
 * the express integration does, without express's router, body-parser and ETag hashing on the
 * path every query takes: they cost more CPU than reading the stores). Body rules as before: JSON
 * only, at most `maxBodyBytes`, malformed or oversized is 400 with code BAD_REQUEST.
 *
 * A well-formed JSON POST that accepts a JSON answer (what every query client sends) goes one
 * step further in, to `executeOperation`: the same request pipeline, plugins and status codes,
 * without the HTTP layer's per-request header parsing (CSRF check of the content type, which is
 * JSON here, and Accept negotiation, whose answer is JSON here): about 5% of a key lookup's CPU.
 */
export function graphqlEndpoint<TContext extends BaseContext>(options: GraphQLEndpointOptions<TContext>): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, maxBodyBytes } = options;
  return (req, res) => {
    if (!options.authorized(req)) {
      req.resume();
      sendJson(res, 401, { errors: [{ message: 'Missing or wrong Authorization bearer token', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    readBody(req, maxBodyBytes).then(async (text) => {
      let body: unknown;
      if (text !== undefined && text.length > 0 && isJson(req.headers['content-type'])) {
        try {
          body = JSON.parse(text);
        } catch (e) {
          sendJson(res, 400, badRequest(`Malformed request body: ${(e as Error).message}`));
          return;
        }
      }
      const fast = body === undefined ? undefined : options.fastPath?.(req, body);
      if (fast !== undefined) {
        const { json, headers } = await fast;
        for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
        send(res, 200, JSON_TYPE, json);
        return;
      }
      const done = options.track?.(req);
      if (req.method === 'POST' && isOperation(body) && answersJson(req.headers.accept)) {
        const result = await apollo.executeOperation(body, { contextValue: options.context(req) }).catch((e: unknown) => {
          done?.([INTERNAL_ERROR]);
          throw e;
        });
        if (result.body.kind !== 'single') throw new Error('Incremental delivery is not supported');
        for (const [name, value] of result.http.headers) res.setHeader(name, value);
        const { errors, data, extensions } = result.body.singleResult;
        done?.(errors);
        // Apollo's own HTTP path writes the same JSON: errors, data, extensions, then a newline.
        send(res, result.http.status ?? 200, result.http.headers.get('content-type') ?? JSON_TYPE, `${JSON.stringify({ errors, data, extensions })}\n`);
        return;
      }
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      const url = req.url ?? '';
      const query = url.indexOf('?');
      const answer = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: query < 0 ? '' : url.slice(query), body },
        context: async () => options.context(req),
      });
      for (const [name, value] of answer.headers) res.setHeader(name, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') {
        done?.(errorsIn(answer.body.string));
        // A known length: one write of headers and body, not chunked encoding's several (writev).
        res.setHeader('content-length', Buffer.byteLength(answer.body.string));
        res.end(answer.body.string);
        return;
      }
      done?.();
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    }, (e: unknown) => {
      if (e instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');   // the rest of the body is not read
        sendJson(res, 400, badRequest(`Request body over ${maxBodyBytes} bytes`));
      } else {
        res.destroy(e as Error);   // the client went away mid-body
      }
    }).catch((e: unknown) => {
      options.onError?.(e);
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    });
  };
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return Promise.resolve(undefined);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const JSON_TYPE = 'application/json; charset=utf-8';
const INTERNAL_ERROR = { extensions: { code: 'INTERNAL_SERVER_ERROR' } };

/** The errors of an answer Apollo's HTTP layer wrote (the less travelled route: read back from its text). */
function errorsIn(text: string): Array<{ extensions?: Record<string, unknown> }> | undefined {
  if (!text.includes('"errors"')) return undefined;
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    return Array.isArray(parsed.errors) ? (parsed.errors as Array<{ extensions?: Record<string, unknown> }>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A well-formed POST body: a query text, and variables, operationName and extensions of the
 * right types when present. Apollo's HTTP layer would accept it as is; anything else goes to that
 * layer, which answers it with its own 400s.
 */
function isOperation(body: unknown): body is { query: string; variables?: Record<string, unknown>; operationName?: string; extensions?: Record<string, unknown> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { query, variables, operationName, extensions } = body as Record<string, unknown>;
  return typeof query === 'string' && query !== '' && isObjectOrAbsent(variables) && isObjectOrAbsent(extensions) && (operationName === undefined || typeof operationName === 'string');
}

function isObjectOrAbsent(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

/** An Accept header for which Apollo would answer `application/json` (none, any, or exactly JSON). */
function answersJson(accept: string | undefined): boolean {
  return accept === undefined || accept === '*/*' || accept === 'application/json';
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(.+\+)?json\b/i.test(contentType.trim());
}

function badRequest(message: string): unknown {
  return { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
