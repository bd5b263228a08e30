/** Thrown by the `default` of an exhaustive switch (Apollo's `UnreachableCaseError`). */
export class UnreachableKindError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${String(value)}`);
  }
}
