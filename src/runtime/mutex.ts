/**
 * A promise-chain mutex. The processing loop holds it while it touches tasks; rebalance
 * callbacks and shutdown take it before they commit or close tasks, so a revocation never
 * closes a task halfway through an awaited `process()`.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => { release = resolve; });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
