import type { QueryContext } from './context.js';

/** A Query field reading one key-value store's values as a GraphQL type the user declared. */
export interface TypedStoreField {
  /** The key-value store the field reads. */
  readonly store: string;
  /** The GraphQL output type of the store's values, declared in `TypedStores.typeDefs` (e.g. `Address`). */
  readonly type: string;
}

/**
 * Typed per-store fields (`QueryServerOptions.typedStores`): with
 * `{ typeDefs: 'type Address { street: String city: String }', fields: { address: { store: 'address', type: 'Address' } } }`
 * the schema gains `address(key: String!, allowStale: Boolean = false): Address`, so a client asks
 * `{ address(key: "andy") { street city } }`. The field reads through the same per-request
 * loader as `keyValue` (batched per owner, forwarded to the owner, same error codes); the store's
 * value (as JSON, through its value serde) is the object the type's fields are read from.
 */
export interface TypedStores {
  /** GraphQL SDL of the value types. */
  readonly typeDefs: string;
  /** Query field name → the store it reads and the type of its values. */
  readonly fields: Readonly<Record<string, TypedStoreField>>;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The SDL the typed fields add to schema.graphql: the user's types and `extend type Query`. */
export function typedStoresSdl(typed: TypedStores): string {
  const entries = Object.entries(typed.fields);
  if (entries.length === 0) return typed.typeDefs;
  const lines = entries.map(([name, f]) => {
    if (!NAME.test(name)) throw new TypeError(`typedStores: '${name}' is not a GraphQL field name`);
    if (!NAME.test(f.type)) throw new TypeError(`typedStores.${name}: '${f.type}' is not a GraphQL type name`);
    const doc = `The value of \`key\` in key-value store ${f.store} as ${f.type}; null when absent.`;
    return `  ${JSON.stringify(doc)}\n  ${name}(key: String!, allowStale: Boolean = false): ${f.type}`;
  });
  return `${typed.typeDefs}\n\nextend type Query {\n${lines.join('\n')}\n}\n`;
}

/** Resolvers of the typed fields: the value of the key, read as `keyValue` reads it. */
export function typedStoresResolvers(typed: TypedStores): Record<string, (args: Record<string, unknown>, context: QueryContext) => unknown> {
  return Object.fromEntries(Object.entries(typed.fields).map(([name, f]) => [
    name,
    async (args: Record<string, unknown>, ctx: QueryContext) => (await ctx.keyValues(f.store, args['allowStale'] === true).load(args['key'] as string))?.value ?? null,
  ]));
}
