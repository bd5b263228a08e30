/**
 * Runs async sections one after another, in call order. The group consumer calls its listener
 * only under this lock, so a listener sees revoke, assign and batches strictly in sequence even
 * when kafkajs runs a rejoin (from one fetcher) while a batch (from another) is being handled.
 */
export class SerialLock {
  #tail: Promise<void> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(section);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
