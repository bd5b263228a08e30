import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import { Record } from '../../processor/record.js';
import type { CachedSessionStore } from '../../state/cached-session-store.js';
import type { KeyValue } from '../../state/key-value-store.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import { SessionWindow, Windowed, type Window } from '../../state/windowed.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier } from '../internal/ktable-processor-supplier.js';
import type { KTableValueGetterSupplier } from '../internal/value-getter.js';
import type { EmitStrategyType } from '../emit-strategy.js';
import type { SessionWindows } from '../session-windows.js';
import type { SessionWindowedSerde } from '../windowed-serdes.js';
import { EmitFinalThrottle } from './emit-final-throttle.js';
import { EmitFinalTimeIndex } from './emit-final-time-index.js';
import { hiddenThrough } from './final-results-at-expiry.js';
import { fillDefaultKeySerde, type WindowAggregation } from './window-aggregation.js';
import { dropForExpiredWindow, dropUnusableRecord } from './window-dropped-records.js';
import { WindowedTupleForwarder } from './windowed-tuple-forwarder.js';

/** How sessions merge: `merger(key, aggregate, otherSessionAggregate)` (Kafka's `Merger`). */
export type SessionMerger<K, VA> = (key: K, aggregate: VA | null, other: VA | null) => VA | null;

/**
 * `SessionWindowedKStream.aggregate` / `reduce` / `count` (Kafka's `KStreamSessionWindowAggregate`,
 * SEMANTICS §4). For a record `(k, v)@t` with gap `G`:
 *
 * - the sessions of `k` with `end >= t - G` and `start <= t + G` are found, in (end, start) order,
 *   and merged into `[min start, max end]` (including `t`): `initializer()`, then `merger` with
 *   each found session's aggregate, then `aggregator` with the record (§4.1, §4.2);
 * - the record is dropped (counted) when the merged session ends before
 *   `observedStreamTime - grace - G` (§4.3);
 * - unless the merged session is just `[t, t]`, each found session is removed and retracted with a
 *   tombstone at its own end, then the merged session is written and forwarded at its end, with
 *   old value null (§4.4, §1.5). Null keys are dropped; null values reach the aggregator.
 *
 * Forwarded records carry no headers (Kafka builds new records here); through the record cache
 * they carry those of the session's last update.
 *
 * With `EmitStrategy.onWindowClose()` (SEMANTICS §5.7) nothing is forwarded per update (merged-away
 * sessions are not retracted either); after each record with a key, dropped or not, sessions that
 * closed (`end < observedStreamTime - grace - G`) since the last pass are forwarded once each, by
 * end, then key bytes, then start, as `Change(aggregate, null)` at the session end with the
 * record's headers; throttled by wall-clock time. A session merged before it closed is emitted
 * once, as the merged session.
 *
 * Sessions the store is about to hide (end <= observed stream time - retention) are not left to
 * the next pass: the record whose writes hide them forwards them, before those writes and whatever
 * the throttle says, and a late session written at or below that bound comes out right after its
 * write (see final-results-at-expiry.ts), so none lives only in memory. With the default retention
 * (gap + grace) that bound is the close time, so the passes find nothing left, and compared with
 * Kafka's sequence: a session ending exactly at the close time comes out with the record that
 * brought the close time there, one pass earlier than Kafka (whose segmented store still returns
 * it, so a record at stream time - grace could still merge it there; ours starts a new session); a
 * late session ending at the close time comes out right after its record, not sorted by key and
 * start among the others of that end in Kafka's next pass; and the throttle holds none back, so
 * sessions come out triggered by (and with the headers of) the record that hides them.
 */
export class KStreamSessionWindowAggregate<K, V, VA> implements KTableProcessorSupplier<Windowed<K>, VA> {
  #sendOldValues = false;

  constructor(
    readonly windows: SessionWindows,
    readonly storeName: string,
    private readonly storeBuilder: StoreBuilder<StateStore>,
    private readonly aggregation: WindowAggregation<K, V, VA>,
    private readonly merger: SessionMerger<K, VA>,
    private readonly keySerde?: SessionWindowedSerde<K>,
    readonly emitStrategy: EmitStrategyType = 'ON_WINDOW_UPDATE',
  ) {}

  get(): Processor<K, V, Windowed<K>, Change<VA>> {
    return new KStreamSessionWindowAggregateProcessor(this.windows, this.storeName, this.aggregation, this.merger, this.#sendOldValues, this.keySerde, this.emitStrategy);
  }

  /** Reads a session's aggregate, timestamped with the session end (Kafka's `KTableSessionWindowValueGetter`). */
  view(): KTableValueGetterSupplier<Windowed<K>, VA> {
    const storeName = this.storeName;
    return {
      storeNames: () => [storeName],
      get: () => {
        let store: CachedSessionStore<K, VA> | undefined;
        return {
          init(context) {
            store = context.getStateStore<CachedSessionStore<K, VA>>(storeName);
          },
          async get(windowedKey) {
            const window = windowedKey.window();
            const aggregate = await (store as CachedSessionStore<K, VA>).fetchSession(windowedKey.key(), window.start(), window.end());
            return aggregate === undefined ? null : ValueAndTimestamp.make(aggregate, window.end());
          },
        };
      },
    };
  }

  enableSendingOldValues(): boolean {
    this.#sendOldValues = true;
    return true;
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    return [this.storeBuilder];
  }
}

class KStreamSessionWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  #context!: ProcessorContext<Windowed<K>, Change<VA>>;
  #store!: CachedSessionStore<K, VA>;
  #forwarder!: WindowedTupleForwarder<K, VA>;
  #observedStreamTime = -1;
  readonly #emitFinal: boolean;
  #throttle!: EmitFinalThrottle;
  /** Emit-final: the stored sessions no pass read yet, by end (undefined until built from the store). */
  #index: EmitFinalTimeIndex<Windowed<K>> | undefined;

  constructor(
    private readonly windows: SessionWindows,
    private readonly storeName: string,
    private readonly aggregation: WindowAggregation<K, V, VA>,
    private readonly merger: SessionMerger<K, VA>,
    private readonly sendOldValues: boolean,
    private readonly keySerde: SessionWindowedSerde<K> | undefined,
    emitStrategy: EmitStrategyType,
  ) {
    this.#emitFinal = emitStrategy === 'ON_WINDOW_CLOSE';
  }

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.#context = context;
    fillDefaultKeySerde(this.keySerde, context.appConfigs());
    const store = context.getStateStore<CachedSessionStore<K, VA>>(this.storeName);
    this.#store = store;
    if (this.#emitFinal) {
      // As Kafka: no cache flush listener, so a cache below only dedupes writes; final results are read back.
      this.#forwarder = new WindowedTupleForwarder<K, VA>(context, this.sendOldValues, () => false);
      this.#throttle = new EmitFinalThrottle(context as ProcessorContext<unknown, unknown>, this.storeName);
      this.#index = undefined;
      return;
    }
    // Kafka's SessionCacheFlushListener: a flushed session is forwarded at its end.
    this.#forwarder = new WindowedTupleForwarder<K, VA>(context, this.sendOldValues, (forward) =>
      typeof store.setFlushListener === 'function' && store.setFlushListener(
        (flushed) => forward(new Record(flushed.key, change(flushed.newValue, flushed.oldValue), flushed.key.window().end(), flushed.headers)),
        this.sendOldValues,
      ));
  }

  async process(record: Record<K, V>): Promise<void> {
    const key = record.key;
    if (key === null || key === undefined) {
      dropUnusableRecord(this.#context, 'null key', 'KStreamSessionWindowAggregate');
      return;
    }
    if (this.#emitFinal && this.#index === undefined) await this.#buildIndex();
    const t = record.timestamp;
    const gap = this.windows.inactivityGap();
    const hiddenBefore = this.#hiddenThrough();
    this.#observedStreamTime = Math.max(this.#observedStreamTime, t);
    const closeTime = this.#observedStreamTime - this.windows.gracePeriodMs() - gap;

    const merged: Array<KeyValue<Windowed<K>, VA>> = [];
    const newSessionWindow = new SessionWindow(t, t);
    let mergedStart = t;
    let mergedEnd = t;
    let agg = this.aggregation.initializer();
    for await (const session of this.#store.findSessions(key, t - gap, t + gap)) {
      merged.push(session);
      agg = this.merger(key, agg, session.value);
      mergedStart = Math.min(mergedStart, session.key.window().start());
      mergedEnd = Math.max(mergedEnd, session.key.window().end());
    }
    const mergedWindow = new SessionWindow(mergedStart, mergedEnd);

    if (mergedEnd < closeTime) {
      dropForExpiredWindow(this.#context, t, `[${mergedStart},${mergedEnd}]`, closeTime, this.#observedStreamTime);
    } else {
      // Before this record's writes hide them (see final-results-at-expiry.ts): whatever the throttle says.
      if (this.#emitFinal) await this.#forwardFinal(record, Math.max(hiddenBefore + 1, this.#emitRangeLowerBound()), this.#hiddenThrough(), merged);
      if (!mergedWindow.equals(newSessionWindow)) {
        for (const session of merged) {
          await this.#store.remove(session.key);
          this.#unindex(session.key);
          await this.#maybeForwardUpdate(session.key, session.value, null);
        }
      }
      agg = this.aggregation.aggregator(key, record.value, agg);
      const sessionKey = new Windowed(key, mergedWindow);
      await this.#store.put(sessionKey, agg);
      // Passes read only above hiddenThrough: a session written at or below it comes out just below.
      if (this.#emitFinal) {
        if (agg === null || mergedEnd <= this.#hiddenThrough()) this.#unindex(sessionKey);
        else this.#indexSession(sessionKey);
      }
      await this.#maybeForwardUpdate(sessionKey, null, agg);
      // A late session ending right at the close time, skipped by the store as expired (Kafka's keeps it).
      if (this.#emitFinal && agg !== null && mergedEnd <= this.#hiddenThrough()) await this.#forwardFinalResult(sessionKey, agg, record);
    }
    if (this.#emitFinal) await this.#maybeEmitFinal(record, closeTime);
  }

  /** The first session end a pass has not covered (Kafka's `emitRangeLowerBound` for sessions). */
  #emitRangeLowerBound(): number {
    return Math.max(0, this.#throttle.lastEmitCloseTime);
  }

  /** Session ends at or below this were forwarded already, or are by the write that makes them (see {@link hiddenThrough}). */
  #hiddenThrough(): number {
    return hiddenThrough(this.#observedStreamTime, this.#store.retentionPeriodMs);
  }

  /**
   * Emit-final (Kafka's `maybeForwardFinalResult` for sessions): when the throttle lets a pass
   * run, forwards every session with end in `[lower, closeTime - 1]`, `lower` being the last
   * pass's close time (sessions are inclusive, so one ending there was still open then), except
   * those already forwarded as hidden.
   */
  async #maybeEmitFinal(record: Record<K, V>, closeTime: number): Promise<void> {
    if (!this.#throttle.shouldEmit(this.#context.currentSystemTimeMs(), closeTime)) return;
    const upper = closeTime - 1;
    if (upper < 0) return;
    const lower = this.#emitRangeLowerBound();
    if (upper < lower) return;
    await this.#forwardFinal(record, Math.max(lower, this.#hiddenThrough() + 1), upper);
    this.#throttle.emitted(closeTime);
  }

  /**
   * Forwards the stored sessions with end in `[from, to]` as final results, but those in `merged`
   * (this record merges them: its merged session is what comes out), ordered as Kafka's
   * time-ordered session store scans: by end, key bytes, start. They are found in the index and
   * read from the store by exact key, so each comes out with its current aggregate, and one the
   * store no longer holds (removed, or hidden by retention) does not come out, as in a store scan.
   */
  async #forwardFinal(record: Record<K, V>, from: number, to: number, merged: ReadonlyArray<KeyValue<Windowed<K>, VA>> = []): Promise<void> {
    if (from > to) return;
    const mergedIds = new Set(merged.map((session) => this.#sessionId(session.key)));
    for (const sessionKey of (this.#index as EmitFinalTimeIndex<Windowed<K>>).takeThrough(from, to)) {
      if (mergedIds.size !== 0 && mergedIds.has(this.#sessionId(sessionKey))) continue;
      const window = sessionKey.window();
      const aggregate = await this.#store.fetchSession(sessionKey.key(), window.start(), window.end());
      if (aggregate !== undefined) await this.#forwardFinalResult(sessionKey, aggregate, record);
    }
  }

  /** Indexes every session the store holds (restored, or left by a previous run): once, before the first record. */
  async #buildIndex(): Promise<void> {
    this.#index = new EmitFinalTimeIndex<Windowed<K>>();
    for await (const { key } of this.#store.fetchRange(undefined, undefined)) this.#indexSession(key);
  }

  #indexSession(sessionKey: Windowed<K>): void {
    const window = sessionKey.window();
    (this.#index as EmitFinalTimeIndex<Windowed<K>>).add(window.end(), this.#indexKeyBytes(sessionKey), window.start(), sessionKey);
  }

  #unindex(sessionKey: Windowed<K>): void {
    if (!this.#emitFinal) return;
    const window = sessionKey.window();
    (this.#index as EmitFinalTimeIndex<Windowed<K>>).delete(window.end(), this.#indexKeyBytes(sessionKey), window.start());
  }

  /** The key's bytes as the store orders them; without a key serde (never from the DSL), its string's. */
  #indexKeyBytes(sessionKey: Windowed<K>): Buffer {
    return this.#keyBytes(sessionKey) ?? Buffer.from(String(sessionKey.key()));
  }

  async #forwardFinalResult(sessionKey: Windowed<K>, aggregate: VA, record: Record<K, V>): Promise<void> {
    await this.#forwarder.maybeForward(new Record(sessionKey, change(aggregate, null), sessionKey.window().end(), record.headers));
  }

  /** The key's bytes as the store orders them (undefined without a key serde). */
  #keyBytes(sessionKey: Windowed<K>): Buffer | undefined {
    const bytes = this.keySerde?.serialize(this.storeName, sessionKey);
    // The windowed serde appends end and start (8 bytes each) to the key's bytes.
    return bytes === null || bytes === undefined ? undefined : bytes.subarray(0, bytes.length - 16);
  }

  #sessionId(sessionKey: Windowed<K>): string {
    const window = sessionKey.window();
    const key = this.#keyBytes(sessionKey)?.toString('hex') ?? String(sessionKey.key());
    return `${window.start()}/${window.end()}/${key}`;
  }

  #maybeForwardUpdate(windowedKey: Windowed<K>, oldAgg: VA | null, newAgg: VA | null): void | Promise<void> {
    if (this.#emitFinal) return undefined;
    const window: Window = windowedKey.window();
    return this.#forwarder.maybeForward(new Record(windowedKey, change(newAgg, oldAgg), window.end()));
  }
}
