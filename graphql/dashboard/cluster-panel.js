/* global document, location */
/**
 * The cluster view: every instance the group knows (`instances`) with its state and its active
 * and standby partitions, the stores, and this instance's readiness and metrics.
 */
import { parsePrometheus, quantile, total } from './prometheus.js';

export const CLUSTER = `{
  instances { endpoint state active { topic partition } standby { topic partition } }
  stores { name type partitions }
}`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1', '0.0.0.0']);

/** True when `endpoint` (host:port from the group) is the server that served this page. */
export function isThisInstance(endpoint) {
  if (endpoint === location.host) return true;
  const cut = endpoint.lastIndexOf(':');
  const [host, port] = [endpoint.slice(0, cut), endpoint.slice(cut + 1)];
  const pagePort = location.port || (location.protocol === 'https:' ? '443' : '80');
  return port === pagePort && LOOPBACK.has(host) && LOOPBACK.has(location.hostname);
}

function node(tag, content, className) {
  const n = document.createElement(tag);
  if (content !== undefined) n.textContent = content;
  if (className) n.className = className;
  return n;
}

export function statePill(state) {
  const kind = state === 'RUNNING' ? 'ok' : state === 'REBALANCING' || state === 'CREATED' ? 'warn' : 'bad';
  return node('span', state, `pill ${kind}`);
}

/** `app/topic` partitions, grouped by topic: `app/ topic 0 1 2`. */
function partitions(list, standby) {
  if (list.length === 0) return node('span', 'none', 'muted');
  const byTopic = new Map();
  for (const tp of list) {
    if (!byTopic.has(tp.topic)) byTopic.set(tp.topic, []);
    byTopic.get(tp.topic).push(tp.partition);
  }
  const wrap = node('div');
  for (const [topic, parts] of [...byTopic].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const t = node('span', undefined, 'topic');
    const slash = topic.indexOf('/');
    if (slash > 0) t.append(node('span', `${topic.slice(0, slash)}/`, 'app'), node('span', topic.slice(slash + 1)));
    else t.append(node('span', topic));
    for (const p of parts.sort((a, b) => a - b)) t.append(node('span', String(p), standby ? 'chip standby' : 'chip'));
    wrap.append(t);
  }
  return wrap;
}

export function renderInstances(container, instances) {
  if (instances.length === 0) {
    container.replaceChildren(node('p', 'No instance has joined the group with an application.server yet.', 'muted'));
    return;
  }
  container.replaceChildren(...instances.map((inst) => {
    const row = node('div', undefined, 'instance-row');
    row.dataset.endpoint = inst.endpoint;
    const title = node('div', undefined, 'title');
    title.append(node('code', inst.endpoint), statePill(inst.state));
    if (isThisInstance(inst.endpoint)) title.append(node('span', 'this instance', 'self'));
    const parts = node('div', undefined, 'parts');
    parts.append(node('span', 'active', 'role'), partitions(inst.active, false), node('span', 'standby', 'role'), partitions(inst.standby, true));
    row.append(title, parts);
    return row;
  }));
}

export function renderStores(tbody, stores) {
  const label = { KEY_VALUE: 'key-value', WINDOW: 'window', SESSION: 'session' };
  tbody.replaceChildren(...stores.map((s) => {
    const tr = document.createElement('tr');
    tr.append(node('td', s.name), node('td', label[s.type] ?? s.type), node('td', String(s.partitions), 'num'));
    return tr;
  }));
}

const fmt = (n) => (n === undefined ? '–' : Math.round(n).toLocaleString());
const fmtMs = (seconds) => (seconds === undefined ? '–' : seconds < 0.01 ? `${(seconds * 1000).toFixed(2)} ms` : `${(seconds * 1000).toFixed(1)} ms`);

/** Readiness from /readyz and the series of /metrics this page knows how to summarize (others are skipped). */
export function renderMetrics(dl, ready, metricsText) {
  const items = [];
  if (ready) {
    items.push(['ready', ready.ready ? 'yes' : 'no']);
    items.push(['restoring', ready.restoring?.length ? ready.restoring.join(', ') : 'none']);
  }
  if (metricsText !== undefined) {
    const samples = parsePrometheus(metricsText);
    items.push(['GraphQL requests', fmt(total(samples, 'kstreams_query_requests_total'))]);
    items.push(['forwarded', fmt(total(samples, 'kstreams_query_forwarded_requests_total') ?? 0)]);
    items.push(['errors', fmt(total(samples, 'kstreams_query_errors_total') ?? 0)]);
    items.push(['latency p50', fmtMs(quantile(samples, 'kstreams_query_request_duration_seconds', 0.5))]);
    items.push(['latency p99', fmtMs(quantile(samples, 'kstreams_query_request_duration_seconds', 0.99))]);
    // Task series, when the server exports them (names as Kafka Streams' metrics).
    const lagName = [...new Set(samples.map((s) => s.name))].find((n) => /lag/i.test(n));
    if (lagName !== undefined) items.push(['lag', fmt(total(samples, lagName))]);
    const processed = [...new Set(samples.map((s) => s.name))].find((n) => /records?_processed_total$/.test(n));
    if (processed !== undefined) items.push(['records processed', fmt(total(samples, processed))]);
  } else {
    items.push(['metrics', 'not available']);
  }
  dl.replaceChildren(...items.map(([k, v]) => {
    const d = node('div');
    d.append(node('dt', k), node('dd', v));
    return d;
  }));
}
