/* global document, location */
/**
 * The kstreams dashboard: wires the panels to the query server that served the page. Plain ES
 * modules, no build step, nothing loaded from elsewhere (the graphql-ws client is served by the
 * query server from its own node_modules).
 */
import { Api } from './api.js';
import { CLUSTER, renderInstances, renderMetrics, renderStores, statePill } from './cluster-panel.js';
import { LookupPanel } from './lookup-panel.js';
import { WindowPanel } from './window-panel.js';

const CLUSTER_EVERY_MS = 5_000;
const $ = (id) => document.getElementById(id);

const api = new Api();
const tokenForm = $('token-form');
api.onUnauthorized = () => { tokenForm.hidden = false; };
tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  api.token = $('token-input').value.trim();
  location.reload();
});

const windows = new WindowPanel(api, {
  svg: $('chart'), empty: $('chart-empty'), legend: $('legend'), stats: $('chart-stats'), title: $('chart-title'),
  sub: $('chart-sub'), storeSelect: $('window-store'), mode: $('live-mode'), modeReason: $('live-reason'),
});
const lookup = new LookupPanel(api, {
  form: $('lookup-form'), storeSelect: $('lookup-store'), key: $('lookup-key'), stale: $('lookup-stale'), suggestions: $('lookup-suggestions'), result: $('lookup-result'),
});

$('instance-endpoint').textContent = location.host;

async function refreshCluster() {
  const [cluster, ready, metrics] = await Promise.allSettled([
    api.graphql(CLUSTER),
    api.get('/readyz').then((r) => JSON.parse(r.text)),
    api.get('/metrics').then((r) => (r.status === 200 ? r.text : undefined)),
  ]);
  const readiness = ready.status === 'fulfilled' ? ready.value : undefined;
  $('instance-state').replaceWith(Object.assign(statePill(readiness?.state ?? 'UNREACHABLE'), { id: 'instance-state' }));
  if (cluster.status === 'fulfilled') {
    const { instances, stores } = cluster.value.data;
    renderInstances($('instances'), instances);
    renderStores($('stores'), stores);
    windows.setStores(stores.filter((s) => s.type === 'WINDOW').map((s) => s.name));
    lookup.setStores(stores.filter((s) => s.type === 'KEY_VALUE').map((s) => s.name));
  } else {
    $('instances').textContent = `Could not read the cluster: ${cluster.reason.message}`;
  }
  renderMetrics($('metrics'), readiness, metrics.status === 'fulfilled' ? metrics.value : undefined);
  $('cluster-updated').textContent = `updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
}

void refreshCluster();
setInterval(() => void refreshCluster(), CLUSTER_EVERY_MS);
