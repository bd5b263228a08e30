/* global document, ResizeObserver, Option */
/**
 * The window-count chart: every key's windows of a window store over the last dozen windows
 * (`windowedRange`), kept live by `Subscription.changes(store)` over graphql-ws, or by polling
 * every 2 s when the server cannot push changes of that store. The badge says which.
 */
import { PALETTE, renderChart } from './chart.js';

const WINDOWED_RANGE = `query Windows($store: String!, $from: DateTime!, $to: DateTime!, $after: String) {
  windowedRange(store: $store, from: $from, to: $to, first: 500, after: $after) {
    edges { node { key start end value } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CHANGES = 'subscription Changes($store: String!) { changes(store: $store) { key partition timestamp } }';

const WINDOWS_SHOWN = 12;
const MAX_KEYS = PALETTE.length;
const POLL_MS = 2_000;
/** With a subscription the chart still moves on its own, as windows open and close. */
const ROLL_MS = 5_000;
/** Changes arrive per record; one refresh per this many ms is enough for the eye. */
const MIN_REFRESH_GAP_MS = 700;

const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });

export class WindowPanel {
  #api;
  #el;
  #store;
  #sizeMs;
  #model;
  #highlight;
  #refreshes = 0;
  #changes = 0;
  #timer;
  #unsubscribe;
  #inFlight;
  #lastRefresh = 0;
  #pendingRefresh;

  constructor(api, elements) {
    this.#api = api;
    this.#el = elements;
    elements.storeSelect.addEventListener('change', () => this.show(elements.storeSelect.value));
    new ResizeObserver(() => this.#draw()).observe(elements.svg);
  }

  /** Fills the store picker with the window stores; keeps the current choice, else prefers `counts-5s`. */
  setStores(names) {
    const select = this.#el.storeSelect;
    const current = this.#store;
    const wanted = names.includes(current) ? current : names.includes('counts-5s') ? 'counts-5s' : names[0];
    if (select.options.length !== names.length || [...select.options].some((o, i) => o.value !== names[i])) {
      select.replaceChildren(...names.map((n) => new Option(n, n)));
    }
    if (wanted === undefined) {
      this.#stop();
      this.#setMode('starting', 'no window store');
      this.#empty('No window store on this instance (yet). The 5-second count example materializes one as counts-5s.');
      return;
    }
    select.value = wanted;
    if (wanted !== current) this.show(wanted);
  }

  /** Shows `store` and keeps it live. */
  show(store) {
    this.#stop();
    this.#store = store;
    this.#sizeMs = undefined;
    this.#model = undefined;
    this.#changes = 0;
    this.#el.title.textContent = `Window counts · ${store}`;
    void this.refresh();
    this.#goLive(store);
  }

  async refresh() {
    const store = this.#store;
    if (store === undefined) return;
    if (this.#inFlight) return this.#inFlight;
    this.#lastRefresh = Date.now();
    this.#inFlight = this.#fetch(store).finally(() => { this.#inFlight = undefined; });
    return this.#inFlight;
  }

  async #fetch(store) {
    const now = Date.now();
    const span = (this.#sizeMs ?? 5_000) * WINDOWS_SHOWN;
    const nodes = [];
    let after = null;
    let ms = 0;
    try {
      for (let page = 0; page < 20; page++) {
        const { data, ms: took } = await this.#api.graphql(WINDOWED_RANGE, { store, from: now - span, to: now, after });
        ms += took;
        const conn = data.windowedRange;
        for (const edge of conn.edges) nodes.push(edge.node);
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
    } catch (e) {
      if (store === this.#store) this.#empty(`Could not read ${store}: ${e.code ? `${e.code}: ` : ''}${e.message}`);
      return;
    }
    if (store !== this.#store) return;
    this.#refreshes += 1;
    this.#model = this.#toModel(nodes, now);
    this.#draw();
    this.#stats(now, ms);
  }

  #toModel(nodes, now) {
    const parsed = nodes.map((n) => ({ key: n.key, start: Date.parse(n.start), end: Date.parse(n.end), value: Number(n.value) }));
    if (parsed.length > 0) this.#sizeMs = parsed[0].end - parsed[0].start;
    const size = this.#sizeMs ?? 5_000;
    // Window starts step by the advance (hopping) or the size (tumbling); epoch-aligned, as Kafka's.
    const distinct = [...new Set(parsed.map((p) => p.start))].sort((a, b) => a - b);
    const gaps = distinct.slice(1).map((s, i) => s - distinct[i]).filter((g) => g > 0);
    const step = gaps.length > 0 ? Math.min(size, ...gaps) : size;
    const last = Math.floor(now / step) * step;
    const byKey = new Map();
    let numeric = true;
    for (const p of parsed) {
      if (!Number.isFinite(p.value)) numeric = false;
      let row = byKey.get(p.key);
      if (row === undefined) byKey.set(p.key, (row = new Map()));
      row.set(p.start, p.value);
    }
    const starts = Array.from({ length: WINDOWS_SHOWN }, (_, i) => last - (WINDOWS_SHOWN - 1 - i) * step);
    // Windows before the first record are not zero counts, they are before the data: no points
    // there (a freshly started app draws from the right instead of flat-lining at zero).
    const firstData = distinct.length > 0 ? distinct[0] : Infinity;
    const totals = [...byKey].map(([key, row]) => ({ key, row, total: starts.reduce((sum, s) => sum + (row.get(s) ?? 0), 0) }));
    totals.sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : 1));
    const shown = totals.slice(0, MAX_KEYS).sort((a, b) => (a.key < b.key ? -1 : 1));
    return {
      starts,
      sizeMs: size,
      readAt: now,
      openStart: last + size > now ? last : undefined,
      numeric,
      hidden: totals.length - shown.length,
      series: shown.map((t, i) => ({ key: t.key, color: PALETTE[i % PALETTE.length], values: starts.map((s) => (s < firstData ? null : t.row.get(s) ?? 0)) })),
    };
  }

  #draw() {
    const model = this.#model;
    if (model === undefined) return;
    if (!model.numeric) return this.#empty('The values of this store are not numbers; pick a count store.');
    if (model.series.length === 0) {
      this.#empty('No windows in the last minute yet: waiting for records…');
    } else {
      this.#el.empty.hidden = true;
    }
    renderChart(this.#el.svg, model, this.#highlight);
    this.#legend(model);
  }

  #legend(model) {
    const items = model.series.map((s) => {
      const li = document.createElement('li');
      li.dataset.key = s.key;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = s.color;
      const key = document.createElement('span');
      key.className = 'key';
      key.textContent = s.key;
      key.title = s.key;
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = String(s.values.at(-1) ?? 0);
      li.append(swatch, key, count);
      li.addEventListener('mouseenter', () => { this.#highlight = s.key; this.#draw(); });
      li.addEventListener('mouseleave', () => { this.#highlight = undefined; this.#draw(); });
      return li;
    });
    const head = document.createElement('li');
    head.className = 'legend-head';
    head.innerHTML = '<span>key</span><span>current window</span>';
    const rows = items.length > 0 ? [head, ...items] : [];
    if (model.hidden > 0) {
      const more = document.createElement('li');
      more.className = 'more';
      more.textContent = `+${model.hidden} quieter key${model.hidden === 1 ? '' : 's'}`;
      rows.push(more);
    }
    this.#el.legend.replaceChildren(...rows);
  }

  #stats(now, ms) {
    const m = this.#model;
    const total = m.series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + (b ?? 0), 0), 0);
    const keys = m.series.length + m.hidden;
    this.#el.sub.textContent = `per key, last ${m.starts.length} windows of ${m.sizeMs / 1000} s (the newest still open)`;
    this.#el.stats.textContent = `${keys} key${keys === 1 ? '' : 's'} · ${total.toLocaleString()} counted in view`
      + ` · refreshed ${clock(now)} in ${Math.round(ms)} ms · ${this.#refreshes} refreshes`
      + (this.#mode === 'subscription' ? ` · ${this.#changes} changes pushed` : '');
    this.#el.stats.dataset.refreshes = String(this.#refreshes);
  }

  #empty(message) {
    this.#el.empty.textContent = message;
    this.#el.empty.hidden = false;
    this.#el.svg.replaceChildren();
    this.#el.svg.dataset.points = '0';
    this.#el.legend.replaceChildren();
  }

  // ---- live updates -------------------------------------------------------------------------

  #mode = 'starting';

  #setMode(mode, reason) {
    this.#mode = mode;
    const badge = this.#el.mode;
    badge.dataset.mode = mode;
    badge.textContent = mode === 'subscription' ? 'live · subscription' : mode === 'polling' ? `polling · every ${POLL_MS / 1000} s` : 'starting…';
    badge.title = reason ?? '';
  }

  #every(ms) {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.refresh(), ms);
  }

  /** Polls until a subscription is confirmed; a subscription that fails leaves polling on. */
  async #goLive(store) {
    this.#setMode('polling', 'connecting the subscription…');
    this.#every(POLL_MS);
    let confirm;
    try {
      const unsubscribe = await this.#api.subscribe(CHANGES, { store }, {
        connected: () => {
          // graphql-ws acknowledges the connection, not the subscription: a store that cannot be
          // followed answers with an error right after; no error for a moment means it is live.
          confirm = setTimeout(() => {
            if (store !== this.#store) return;
            this.#setMode('subscription', `Subscription.changes(store: "${store}") over graphql-ws`);
            this.#every(ROLL_MS);
          }, 1_200);
        },
        next: () => {
          this.#changes += 1;
          this.#soon();
        },
        error: (reason) => {
          clearTimeout(confirm);
          if (store !== this.#store) return;
          this.#setMode('polling', `Subscription unavailable: ${reason}`);
          this.#el.modeReason.textContent = `subscription unavailable: ${reason}`;
          this.#every(POLL_MS);
        },
      });
      // Another store may have been picked while the client loaded.
      if (store === this.#store) this.#unsubscribe = unsubscribe;
      else unsubscribe();
    } catch (e) {
      this.#setMode('polling', `graphql-ws client unavailable: ${e.message}`);
      this.#el.modeReason.textContent = 'graphql-ws client unavailable';
    }
  }

  /** A refresh now, or as soon as the last one is MIN_REFRESH_GAP_MS old. */
  #soon() {
    if (this.#pendingRefresh !== undefined) return;
    const wait = Math.max(0, this.#lastRefresh + MIN_REFRESH_GAP_MS - Date.now());
    this.#pendingRefresh = setTimeout(() => {
      this.#pendingRefresh = undefined;
      void this.refresh();
    }, wait);
  }

  #stop() {
    clearInterval(this.#timer);
    clearTimeout(this.#pendingRefresh);
    this.#pendingRefresh = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#el.modeReason.textContent = '';
  }
}
