import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql/index.js';

/** Bounds on the shape of a query (on top of the router's key-count and page-size limits). */
export interface DocumentLimits {
  /** Deepest field nesting (default 10: `range { edges { node { key } } }` is 4). */
  readonly maxDepth: number;
  /** Most fields in one operation, fragments expanded (default 500): bounds aliased fan-out. */
  readonly maxFields: number;
}

export const defaultDocumentLimits: DocumentLimits = { maxDepth: 10, maxFields: 500 };

/** A validation rule rejecting operations deeper or wider than `limits`, with code LIMIT_EXCEEDED. */
export function documentLimitRule(limits: DocumentLimits): (context: ValidationContext) => ASTVisitor {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    return {
      OperationDefinition(node) {
        let fields = 0;
        const walk = (set: SelectionSetNode, depth: number, seen: ReadonlySet<string>): number => {
          let deepest = depth;
          for (const sel of set.selections) {
            if (sel.kind === Kind.FIELD) {
              fields += 1;
              if (sel.selectionSet !== undefined) deepest = Math.max(deepest, walk(sel.selectionSet, depth + 1, seen));
            } else if (sel.kind === Kind.INLINE_FRAGMENT) {
              deepest = Math.max(deepest, walk(sel.selectionSet, depth, seen));
            } else {
              const fragment = fragments.get(sel.name.value);
              // A fragment cycle is reported by graphql's own NoFragmentCycles rule.
              if (fragment !== undefined && !seen.has(sel.name.value)) deepest = Math.max(deepest, walk(fragment.selectionSet, depth, new Set([...seen, sel.name.value])));
            }
            if (fields > limits.maxFields) return deepest;
          }
          return deepest;
        };
        const depth = walk(node.selectionSet, 1, new Set());
        if (depth > limits.maxDepth) context.reportError(limitError(`Query depth is limited to ${limits.maxDepth}, but got: ${depth}`));
        if (fields > limits.maxFields) context.reportError(limitError(`Fields per query are limited to ${limits.maxFields}, but got more`));
      },
    };
  };
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'LIMIT_EXCEEDED' } });
}
