/* global document, Option */
/**
 * The table lookup: store + key → value, with the partition the key lives in and the instance
 * that read it (`servedBy`), beside where the group says the key lives (`keyMetadata`).
 */

const LOOKUP = `query Lookup($store: String!, $key: String!, $stale: Boolean!) {
  keyValue(store: $store, key: $key, allowStale: $stale) { key value partition servedBy stale offsetLag }
  keyMetadata(store: $store, key: $key) { activeHost standbyHosts partition }
}`;
const SOME_KEYS = 'query SomeKeys($store: String!) { range(store: $store, first: 8) { edges { node { key } } } }';

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

export class LookupPanel {
  #api;
  #el;
  #store;

  constructor(api, elements) {
    this.#api = api;
    this.#el = elements;
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.lookup();
    });
    elements.storeSelect.addEventListener('change', () => this.#choose(elements.storeSelect.value));
  }

  /** Fills the store picker with the key-value stores; prefers `address`. */
  setStores(names) {
    const select = this.#el.storeSelect;
    if (select.options.length !== names.length || [...select.options].some((o, i) => o.value !== names[i])) {
      select.replaceChildren(...names.map((n) => new Option(n, n)));
    }
    const wanted = names.includes(this.#store) ? this.#store : names.includes('address') ? 'address' : names[0];
    if (wanted === undefined) {
      this.#el.suggestions.replaceChildren(text('span', 'No key-value store on this instance yet.'));
      return;
    }
    select.value = wanted;
    if (wanted !== this.#store) this.#choose(wanted);
  }

  async #choose(store) {
    this.#store = store;
    if (this.#el.key.value === '') this.#el.key.placeholder = store === 'address' ? 'key, e.g. andy' : 'key';
    try {
      const { data } = await this.#api.graphql(SOME_KEYS, { store });
      if (store !== this.#store) return;
      const keys = data.range.edges.map((e) => e.node.key);
      const chips = keys.map((k) => {
        const b = text('button', k);
        b.type = 'button';
        b.addEventListener('click', () => {
          this.#el.key.value = k;
          void this.lookup();
        });
        return b;
      });
      this.#el.suggestions.replaceChildren(text('span', keys.length > 0 ? 'try' : 'The store is empty so far.'), ...chips);
    } catch (e) {
      this.#el.suggestions.replaceChildren(text('span', `Could not list keys: ${e.message}`));
    }
  }

  async lookup() {
    const store = this.#el.storeSelect.value;
    const key = this.#el.key.value.trim();
    if (store === '' || key === '') return;
    const out = this.#el.result;
    out.setAttribute('aria-busy', 'true');
    try {
      const { data, errors, ms } = await this.#api.graphql(LOOKUP, { store, key, stale: this.#el.stale.checked });
      out.replaceChildren(...this.#render(store, key, data, errors, ms));
    } catch (e) {
      out.replaceChildren(this.#error(e.code, e.message));
    } finally {
      out.removeAttribute('aria-busy');
    }
  }

  #render(store, key, data, errors, ms) {
    const nodes = [];
    for (const e of errors) nodes.push(this.#error(e.extensions?.code, e.message));
    const kv = data.keyValue;
    const meta = data.keyMetadata;
    if (kv) {
      const value = typeof kv.value === 'string' ? kv.value : JSON.stringify(kv.value, null, 2);
      const pre = text('pre', value, 'value');
      pre.dataset.field = 'value';
      nodes.push(pre);
    } else if (kv === null && errors.length === 0) {
      nodes.push(text('p', `No value for "${key}" in ${store}.`, 'muted'));
    }
    const rows = [
      ['key', kv?.key ?? key, 'key'],
      ['partition', String(kv?.partition ?? meta?.partition ?? '–'), 'partition'],
      ['served by', kv?.servedBy ?? '–', 'servedBy'],
      ['owner (group)', meta?.activeHost ?? 'none (rebalancing)', 'activeHost'],
      ['standbys', meta && meta.standbyHosts.length > 0 ? meta.standbyHosts.join(', ') : 'none', 'standbyHosts'],
      ['answered in', `${Math.round(ms)} ms`, 'ms'],
    ];
    if (kv?.stale) rows.splice(3, 0, ['stale copy', `yes${kv.offsetLag == null ? '' : `, ${kv.offsetLag} records behind`}`, 'stale']);
    const dl = document.createElement('dl');
    for (const [label, value, field] of rows) {
      const dd = text('dd', value);
      dd.dataset.field = field;
      dl.append(text('dt', label), dd);
    }
    nodes.push(dl);
    return nodes;
  }

  #error(code, message) {
    const p = document.createElement('p');
    p.className = 'error';
    if (code) p.append(text('code', code), document.createTextNode(' '));
    p.append(document.createTextNode(message));
    return p;
  }
}
