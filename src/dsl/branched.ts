import type { BranchSpec, KStream } from './kstream.js';
import { validateName } from './named.js';

/**
 * One branch of `KStream.split()`: its name suffix, and optionally what to do with the branch
 * stream right away. The branch's processor (and its key in the map that `defaultBranch()` /
 * `noDefaultBranch()` return) is named `<split name><branch name>`; without a branch name the
 * suffix is the branch's position (1, 2, … in the order `branch()` was called; `0` for the
 * default branch), as in Kafka Streams.
 *
 * - `Branched.as(name)`: the branch stream is returned in the map.
 * - `Branched.withFunction(fn, name?)`: `fn(branch)` is returned in the map instead (nothing
 *   when `fn` returns `undefined` or `null`).
 * - `Branched.withConsumer(fn, name?)`: `fn(branch)` is called and the branch is left out of the map.
 *
 * @example
 * const branches = stream.split(Named.as('level-'))
 *   .branch((k, v) => v.startsWith('ERROR'), Branched.as('error'))
 *   .branch((k, v) => v.startsWith('WARN'), Branched.withConsumer((s) => s.to('warnings')))
 *   .defaultBranch(Branched.as('other'));
 * branches['level-error'].to('errors');
 */
export class Branched<K, V> implements BranchSpec<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly chainFunction: ((branch: KStream<K, V>) => KStream<K, V> | undefined | null | void) | undefined,
    readonly chainConsumer: ((branch: KStream<K, V>) => void) | undefined,
  ) {}

  /** A branch named `<split name><name>`, returned in the map under that key. */
  static as<K, V>(name: string): Branched<K, V> {
    return new Branched<K, V>(checkName(name), undefined, undefined);
  }

  /**
   * The map holds `chain(branch)` instead of the branch; a `null`/`undefined` result is left out.
   * @param name optional branch name suffix
   */
  static withFunction<K, V>(chain: (branch: KStream<K, V>) => KStream<K, V> | undefined | null | void, name?: string): Branched<K, V> {
    if (typeof chain !== 'function') throw new TypeError(`Branched.withFunction(): chain must be a function, but got: ${String(chain)}`);
    return new Branched<K, V>(name === undefined ? undefined : checkName(name), chain, undefined);
  }

  /**
   * `chain(branch)` is called with the branch stream, and the branch is left out of the map.
   * @param name optional branch name suffix
   */
  static withConsumer<K, V>(chain: (branch: KStream<K, V>) => void, name?: string): Branched<K, V> {
    if (typeof chain !== 'function') throw new TypeError(`Branched.withConsumer(): chain must be a function, but got: ${String(chain)}`);
    return new Branched<K, V>(name === undefined ? undefined : checkName(name), undefined, chain);
  }

  /** A copy with another branch name suffix. */
  withName(name: string): Branched<K, V> {
    return new Branched(checkName(name), this.chainFunction, this.chainConsumer);
  }
}

function checkName(name: string): string {
  if (typeof name !== 'string') throw new TypeError(`Branched: name must be a string, but got: ${String(name)}`);
  validateName(name);
  return name;
}
