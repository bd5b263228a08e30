import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// 'graphql/index.js' everywhere in graphql/: the CommonJS build that Apollo and graphql-ws load
// (a bare 'graphql' makes vite pick index.mjs, and graphql refuses objects of the other build).
import { buildSchema, GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql/index.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

/** schema.graphql beside this file (sources) or two levels up (the compiled `dist/graphql/`). */
export function schemaSource(): string {
  for (const candidate of ['./schema.graphql', '../../graphql/schema.graphql']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error('graphql/schema.graphql not found beside the query server');
}

export interface SchemaResolvers<TContext> {
  readonly Query: Readonly<Record<string, (args: Record<string, unknown>, context: TContext) => unknown>>;
  /** Each event the iterable yields is the field's value. */
  readonly Subscription?: Readonly<Record<string, { subscribe: (args: Record<string, unknown>, context: TContext) => AsyncIterable<unknown> }>>;
}

/**
 * The executable schema: the SDL (plus `extraSdl`, e.g. typed store fields) with our scalars and resolvers bound onto it (what
 * `makeExecutableSchema` does, in the few lines this schema needs, without another dependency).
 */
export function executableSchema<TContext>(resolvers: SchemaResolvers<TContext>, extraSdl = ''): GraphQLSchema {
  const schema = buildSchema(`${schemaSource()}\n${extraSdl}`);
  Object.assign(schema.getType('JSON')!, { serialize: JSONScalar.serialize, parseValue: JSONScalar.parseValue, parseLiteral: JSONScalar.parseLiteral });
  Object.assign(schema.getType('DateTime')!, { serialize: DateTimeScalar.serialize, parseValue: DateTimeScalar.parseValue, parseLiteral: DateTimeScalar.parseLiteral });
  const query = schema.getQueryType()!.getFields();
  for (const [name, fn] of Object.entries(resolvers.Query)) {
    const field = query[name];
    if (field === undefined) throw new Error(`No Query.${name} in schema.graphql`);
    field.resolve = ((_root, args, context) => fn(args, context)) as GraphQLFieldResolver<unknown, TContext>;
  }
  const subscription = schema.getSubscriptionType();
  for (const [name, sub] of Object.entries(resolvers.Subscription ?? {})) {
    const field = subscription instanceof GraphQLObjectType ? subscription.getFields()[name] : undefined;
    if (field === undefined) throw new Error(`No Subscription.${name} in schema.graphql`);
    field.subscribe = ((_root, args, context) => sub.subscribe(args, context)) as GraphQLFieldResolver<unknown, TContext>;
    field.resolve = ((event: unknown) => event) as GraphQLFieldResolver<unknown, TContext>;
  }
  return schema;
}
