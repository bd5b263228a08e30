import type { StateStore } from './state-store.js';

/**
 * The shared part of every store layer that wraps another store (typed, caching, changelogging,
 * the test driver's facades), as Kafka's `WrappedStateStore`: identity and lifecycle pass through
 * to the wrapped store; a layer overrides what it adds to (a cache flushes itself first).
 */
export abstract class WrappedStateStore<S extends StateStore & { readonly openIterators: number }> implements StateStore {
  /** The store this layer wraps. */
  readonly inner: S;

  constructor(inner: S) {
    this.inner = inner;
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  get openIterators(): number {
    return this.inner.openIterators;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A wrapped window store: its window shape and retention are the wrapped store's. */
export abstract class WrappedWindowStore<S extends StateStore & { readonly openIterators: number; readonly retentionPeriodMs: number; readonly windowSizeMs: number; readonly retainDuplicates: boolean }> extends WrappedStateStore<S> {
  get retentionPeriodMs(): number {
    return this.inner.retentionPeriodMs;
  }

  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }

  get retainDuplicates(): boolean {
    return this.inner.retainDuplicates;
  }
}

/** A wrapped session store: its retention is the wrapped store's. */
export abstract class WrappedSessionStore<S extends StateStore & { readonly openIterators: number; readonly retentionPeriodMs: number }> extends WrappedStateStore<S> {
  get retentionPeriodMs(): number {
    return this.inner.retentionPeriodMs;
  }
}
