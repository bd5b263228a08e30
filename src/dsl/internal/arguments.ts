import { Named } from '../named.js';

/** A short rendering of a value for "but got: X" messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return String(value);
}

/**
 * The DSL is called from JavaScript too, where types are not checked: every operator checks its
 * arguments up front, so a mistake fails at build time with the operator's name, not at the first
 * record deep inside a running task.
 */
export function requireFunction(value: unknown, operator: string, what: string): void {
  if (typeof value !== 'function') {
    throw new TypeError(`${operator}: ${what} must be a function, but got: ${describeValue(value)}`);
  }
}

export function requireNamedOrUndefined(value: unknown, operator: string): void {
  if (value !== undefined && !(value instanceof Named)) {
    throw new TypeError(`${operator}: named must be a Named (Named.as(name)) or undefined, but got: ${describeValue(value)}`);
  }
}

/** @param isInstance e.g. `(v) => v instanceof Produced` (parameter classes have private constructors) */
export function requireInstanceOrUndefined(value: unknown, isInstance: (value: unknown) => boolean, typeName: string, operator: string): void {
  if (value !== undefined && !isInstance(value)) {
    throw new TypeError(`${operator}: ${typeName.charAt(0).toLowerCase()}${typeName.slice(1)} must be a ${typeName} or undefined, but got: ${describeValue(value)}`);
  }
}

export function requireTopicName(value: unknown, operator: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${operator}: topic must be a non-empty string, but got: ${describeValue(value)}`);
  }
}
