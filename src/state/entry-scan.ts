const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** How a store feeds an {@link EntryScan}. */
export interface ScanSource<T> {
  /** The next batch of entries; an empty batch ends the scan. Opens the underlying iterator on first call. */
  fetch(): Promise<T[]>;
  /** Throws when the scan must stop before serving another entry (e.g. the store was closed). */
  check(): void;
  /** Releases the underlying iterator; called exactly once, when the scan ends, breaks or fails. */
  release(): Promise<void>;
}

/**
 * A scan's async iterator: serves entries from batches, one resolved promise per entry. Written
 * by hand rather than as an async generator, which costs about twice as much per entry; `for
 * await` calls `return()` when its loop breaks or throws, and that releases the source.
 */
export class EntryScan<T> implements AsyncIterableIterator<T> {
  readonly #source: ScanSource<T>;
  #batch: T[] = [];
  #index = 0;
  #finished = false;

  constructor(source: ScanSource<T>) {
    this.#source = source;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#index < this.#batch.length) {
      try {
        this.#source.check();
      } catch (error) {
        return this.#fail(error);
      }
      return Promise.resolve({ done: false, value: this.#batch[this.#index++]! });
    }
    return this.#refill();
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    await this.#finish();
    return DONE;
  }

  async #refill(): Promise<IteratorResult<T, undefined>> {
    if (this.#finished) return DONE;
    try {
      this.#source.check();
      this.#batch = await this.#source.fetch();
      this.#index = 0;
    } catch (error) {
      return this.#fail(error);
    }
    if (this.#batch.length === 0) {
      await this.#finish();
      return DONE;
    }
    return this.next();
  }

  async #fail(error: unknown): Promise<never> {
    await this.#finish();
    throw error;
  }

  async #finish(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.#batch = [];
    await this.#source.release();
  }
}

/** Maps every entry of a scan lazily; breaking out of the mapped scan releases the original. */
export function mapScan<T, U>(scan: AsyncIterable<T>, map: (entry: T) => U): AsyncIterable<U> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<U, undefined> {
      const inner = scan[Symbol.asyncIterator]();
      return {
        next: async () => {
          const result = await inner.next();
          return result.done === true ? DONE : { done: false, value: map(result.value) };
        },
        return: async () => {
          await inner.return?.();
          return DONE;
        },
      };
    },
  };
}
