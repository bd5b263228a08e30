/**
 * A push-to-pull queue: producers `push`, one consumer iterates. `return()` (a `for await`
 * break, or graphql-ws ending the subscription) runs `onClose` once, which unsubscribes the
 * producers. Unbounded: a subscriber that stops reading is the client's problem, bounded by
 * the socket's own buffering.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  readonly #waiting: Array<(r: IteratorResult<T, undefined>) => void> = [];
  #closed = false;
  #failure: Error | undefined;
  readonly #onClose: () => void;

  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  push(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter({ done: false, value: item });
    else this.#items.push(item);
  }

  /** Ends the iteration with an error (after the items already queued). */
  fail(error: Error): void {
    this.#failure ??= error;
    for (const w of this.#waiting.splice(0)) w({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#items.length > 0) return Promise.resolve({ done: false, value: this.#items.shift()! });
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    if (!this.#closed) {
      this.#closed = true;
      this.#onClose();
      for (const w of this.#waiting.splice(0)) w({ done: true, value: undefined });
    }
    return { done: true, value: undefined };
  }
}
