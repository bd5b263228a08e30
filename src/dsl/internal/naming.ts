import { validateName } from '../named.js';

interface NameProvider {
  newProcessorName(prefix: string): string;
}

/**
 * Kafka's `NamedInternal.orElseGenerateWithPrefix`: the given name, else a generated
 * `<prefix><n>`; the index is drawn either way, so naming one operator never renumbers others.
 */
export function orElseGenerate(names: NameProvider, given: string | undefined, prefix: string): string {
  const generated = names.newProcessorName(prefix);
  return given ?? generated;
}

/**
 * Kafka's `NamedInternal.suffixWithOrElseGet`: `<given><suffix>` (validated again: the suffix can
 * make it too long), else a generated `<prefix><n>`; the index is drawn either way.
 */
export function suffixedOrElseGenerate(names: NameProvider, given: string | undefined, suffix: string, prefix: string): string {
  const generated = names.newProcessorName(prefix);
  if (given === undefined) return generated;
  validateName(given + suffix);
  return given + suffix;
}
