/**
 * Merges scans that are each sorted by `compare` into one sorted scan (a k-way merge over the
 * heads; k is a store's local partition count, so a linear pick beats a heap). Every source is
 * closed when the merged scan ends, breaks or fails.
 */
export async function* mergeScans<T>(sources: readonly AsyncIterable<T>[], compare: (a: T, b: T) => number): AsyncGenerator<T, void, undefined> {
  if (sources.length === 1) {
    yield* sources[0]!;
    return;
  }
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const heads: Array<IteratorResult<T>> = [];
  try {
    for (const it of iterators) heads.push(await it.next());
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (h.done === true) continue;
        if (best < 0 || compare(h.value, (heads[best] as IteratorYieldResult<T>).value) < 0) best = i;
      }
      if (best < 0) return;
      yield (heads[best] as IteratorYieldResult<T>).value;
      heads[best] = await iterators[best]!.next();
    }
  } finally {
    await Promise.all(iterators.map((it, i) => (heads[i]?.done === true ? undefined : it.return?.())));
  }
}

/** Maps each entry of a scan. */
export async function* mapEntries<T, R>(source: AsyncIterable<T>, fn: (t: T) => R): AsyncGenerator<R, void, undefined> {
  for await (const t of source) yield fn(t);
}
