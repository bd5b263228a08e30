/**
 * Lets an idle processing loop sleep until there is work (records arrived, a rebalance finished,
 * shutdown) or a timeout passes, instead of spinning. `notify()` before `wait()` is not lost:
 * the next wait returns at once.
 */
export class IdleSignal {
  #pending = false;
  #wake: (() => void) | undefined;

  notify(): void {
    if (this.#wake !== undefined) {
      const wake = this.#wake;
      this.#wake = undefined;
      wake();
    } else {
      this.#pending = true;
    }
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, timeoutMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Yields to the macrotask queue, so network callbacks (fetches, heartbeats, acks) get their turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
