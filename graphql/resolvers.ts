import type { TopicPartition } from '../src/kafka/port.js';
import type { QueryableStoreKind } from '../src/query/query-host.js';
import type { KeyValueResult, Page, WindowedResult } from '../src/query/query-results.js';
import type { QueryContext } from './context.js';

/** Resolvers of schema.graphql's Query type: one-liners into src/query's router. */
export interface QueryResolvers {
  readonly [field: string]: (args: Record<string, unknown>, context: QueryContext) => unknown;
}

const STORE_TYPES: Record<QueryableStoreKind, string> = { keyValue: 'KEY_VALUE', window: 'WINDOW', session: 'SESSION' };
type Args = Record<string, unknown>;
const str = (args: Args, name: string): string => args[name] as string;
const opt = (args: Args, name: string): string | undefined => (args[name] ?? undefined) as string | undefined;
const num = (args: Args, name: string): number => args[name] as number;

export function queryResolvers(instanceState: (endpoint: string) => Promise<string>): QueryResolvers {
  return {
    stores: (_a, { router }) => router.stores().map((s) => ({ name: s.name, type: STORE_TYPES[s.kind], partitions: s.partitions })),
    instances: (_a, { router }) => Promise.all(router.instances().map(async (h) => ({
      endpoint: h.endpoint, active: sorted(h.active), standby: sorted(h.standby),
      state: h.endpoint === router.endpoint ? router.host.state() : await instanceState(h.endpoint),
    }))),
    keyMetadata: (a, { router }) => router.keyMetadata(str(a, 'store'), str(a, 'key')),
    keyValue: (a, ctx) => ctx.keyValues(str(a, 'store'), a['allowStale'] === true).load(str(a, 'key')),
    keyValues: (a, ctx) => {
      const keys = a['keys'] as string[];
      ctx.router.checkKeyCount(keys.length);
      return ctx.keyValues(str(a, 'store'), a['allowStale'] === true).loadMany(keys);
    },
    range: async (a, ctx) => {
      const request = { from: opt(a, 'from'), to: opt(a, 'to'), first: num(a, 'first'), after: opt(a, 'after') };
      return connection(ctx.forwarded ? await ctx.router.rangeLocal(str(a, 'store'), request, ctx.forwardedPartitions(str(a, 'store'))) : await ctx.router.range(str(a, 'store'), request));
    },
    windowed: (a, ctx) => (ctx.forwarded ? ctx.router.windowedLocal : ctx.router.windowed).call(ctx.router, str(a, 'store'), str(a, 'key'), num(a, 'from'), num(a, 'to')),
    windowedRange: async (a, ctx) => {
      const request = { fromMs: num(a, 'from'), toMs: num(a, 'to'), keyFrom: opt(a, 'keyFrom'), keyTo: opt(a, 'keyTo'), first: num(a, 'first'), after: opt(a, 'after') };
      return connection(ctx.forwarded ? await ctx.router.windowedRangeLocal(str(a, 'store'), request, ctx.forwardedPartitions(str(a, 'store'))) : await ctx.router.windowedRange(str(a, 'store'), request));
    },
    sessions: (a, ctx) => (ctx.forwarded ? ctx.router.sessionsLocal(str(a, 'store'), str(a, 'key')) : ctx.router.sessions(str(a, 'store'), str(a, 'key'))),
  };
}

function connection<T extends KeyValueResult | WindowedResult>(page: Page<T>): { edges: Array<{ cursor: string; node: T }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } {
  return {
    edges: page.items.map((node) => ({ cursor: node.cursor, node })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.cursor ?? null },
  };
}

function sorted(tps: readonly TopicPartition[]): TopicPartition[] {
  return [...tps].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
