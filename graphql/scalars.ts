import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql/index.js';

/** Any JSON value, passed through as is (values are already JSON-safe: see `toJson` in src/query). */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: function literal(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return node.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return node.values.map(literal);
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
      default:
        throw new GraphQLError(`JSON cannot represent a ${node.kind} literal`);
    }
  },
});

/** Epoch ms internally; ISO-8601 out; ISO-8601 or epoch ms in. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => new Date(value as number).toISOString(),
  parseValue: (value) => toEpochMs(value),
  parseLiteral: (node) => {
    if (node.kind === Kind.STRING) return toEpochMs(node.value);
    if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return toEpochMs(Number(node.value));
    throw new GraphQLError(`DateTime must be an ISO-8601 string or epoch milliseconds, but got a ${node.kind} literal`);
  },
});

function toEpochMs(value: unknown): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new GraphQLError(`DateTime must be an ISO-8601 string or non-negative epoch milliseconds, but got: ${JSON.stringify(value)}`);
  return ms;
}
