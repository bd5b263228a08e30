import { TopologyException } from '../errors.js';

/** Kafka's limit: a processor name may become part of a topic name, which is at most 249 characters. */
const MAX_NAME_LENGTH = 249;

/**
 * Validates a user-given processor, topic-prefix or store name as Kafka's `Named.validate` does:
 * non-empty, not `.` or `..`, at most 249 characters of `[A-Za-z0-9._-]`.
 *
 * @throws TopologyException naming the problem and the name
 */
export function validateName(name: string): void {
  if (name.length === 0) throw new TopologyException('Name is illegal, it can\'t be empty');
  if (name === '.' || name === '..') throw new TopologyException('Name cannot be "." or ".."');
  if (name.length > MAX_NAME_LENGTH) {
    throw new TopologyException(`Name is illegal, it can't be longer than ${MAX_NAME_LENGTH} characters, name: ${name}`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new TopologyException(`Name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
  }
}

/**
 * The name of the processor node an operator creates, instead of the generated one
 * (`KSTREAM-FILTER-0000000001`). Naming operators keeps `Topology.describe()`, metrics and internal
 * topic names stable when the program changes. A given name still consumes the index the
 * generated name would have had, so naming one operator never renumbers the others (as in Kafka).
 *
 * @example builder.stream<string, string>('log').filter((k, v) => v.length > 5, Named.as('long-lines'))
 */
export class Named {
  private constructor(readonly name: string) {}

  /**
   * @param name ASCII alphanumerics, `.`, `_` and `-`; at most 249 characters
   * @throws TopologyException when the name is not a legal name
   * @throws TypeError when `name` is not a string
   */
  static as(name: string): Named {
    if (typeof name !== 'string') throw new TypeError(`Named.as(): name must be a string, but got: ${String(name)}`);
    validateName(name);
    return new Named(name);
  }

  /** A copy with another name. */
  withName(name: string): Named {
    return Named.as(name);
  }
}
