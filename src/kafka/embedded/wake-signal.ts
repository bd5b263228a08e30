/**
 * Wakes a waiting fetch loop when something it may care about changed (records appended, a
 * transaction ended, a rebalance started, a partition resumed). Notifications are coalesced
 * and delivered on `setImmediate`: every append made in one turn of the event loop wakes the
 * waiter once, so a busy producer yields batches rather than one callback per record, and the
 * waiter never runs inside the notifier's call stack. Latency stays well under a millisecond.
 */
export class WakeSignal {
  #waiters: (() => void)[] = [];
  #scheduled = false;
  #pending = false;

  /**
   * Resolves at the next notification, or after `timeoutMs`. A notification that arrived
   * since the previous wait returned resolves the next wait at once, so a change made while
   * the loop was busy is never missed.
   */
  wait(timeoutMs?: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      this.#waiters.push(wake);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== wake);
          resolve();
        }, Math.max(0, timeoutMs));
      }
    });
  }

  notify(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const waiters = this.#waiters;
      this.#waiters = [];
      if (waiters.length === 0) this.#pending = true;
      for (const wake of waiters) wake();
    });
  }
}
