/**
 * The dashboard end to end in headless Chromium (Debian's `chromium`, driven by playwright-core;
 * no browser download): the demo's topologies run in-process on the embedded backend with the
 * generator, and the page served at `/` must show the window counts growing as records arrive,
 * answer a key lookup with the instance that served it, and list the instance with its
 * partitions. Leaves a screenshot in test/artifacts/dashboard.png.
 *
 * Without /usr/bin/chromium the suite is skipped with the reason in its name (off CI); under
 * CI=true it fails instead (`scripts/ensure-chromium` installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../scripts/demo/run.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACT = fileURLToPath(new URL('../artifacts/dashboard.png', import.meta.url));
const SERVICES = ['auth', 'billing', 'catalog', 'checkout', 'search', 'shipping'];
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: run scripts/ensure-chromium`;

if (missing !== undefined && process.env['CI'] === 'true') {
  describe('dashboard in Chromium', () => {
    it('has Chromium to run in (CI installs it with scripts/ensure-chromium)', () => {
      expect.fail(missing);
    });
  });
}
if (missing !== undefined) console.warn(`\n*** dashboard tests SKIPPED: ${missing} ***\n`);

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

describe.skipIf(missing !== undefined)(missing === undefined ? 'dashboard in Chromium' : `dashboard in Chromium [SKIPPED: ${missing}]`, () => {
  let demo: RunningDemo;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];
  const external: string[] = [];

  beforeAll(async () => {
    demo = await startDemo({ bootstrapServers: `embedded://dashboard-test-${process.pid}`, port: 0, logsPerSecond: 40 });
    profile = mkdtempSync(join(tmpdir(), 'kstreams-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1360, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Offline: the page may load nothing from anywhere but the query server (checked at the end).
    await page.route((url) => url.host !== `127.0.0.1:${demo.port}`, async (route) => {
      external.push(route.request().url());
      await route.abort();
    });
    await page.goto(demo.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  }, 60_000);

  it('draws the window counts of counts-5s and redraws them as records arrive', async () => {
    expect(demo.stores()).toContain('counts-5s');
    const chart = page.locator('#chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-total')), { timeout: 30_000 }).toBeGreaterThan(0);
    const first = Number(await chart.getAttribute('data-total'));
    // The generator keeps writing test_log: the counts shown must change (the open window grows).
    await expect.poll(async () => Number(await chart.getAttribute('data-total')), { timeout: 15_000 }).not.toBe(first);

    // One line per key with a point per window since the data began, and the keys are the services the generator logs for.
    const keys = await page.locator('#legend li[data-key]').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset['key']));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(SERVICES).toContain(key);
    const { points, filled, windows } = await chart.evaluate((svg) => ({ points: svg.querySelectorAll('.series circle').length, filled: Number(svg.dataset['filled']), windows: Number(svg.dataset['windows']) }));
    expect(windows).toBe(12);
    expect(filled).toBeGreaterThan(0);
    expect(points).toBe(keys.length * filled);
    expect(Number(await chart.getAttribute('data-points'))).toBe(points);

    // Window stores push their changes: the chart is kept live by Subscription.changes, not by
    // polling, and the counts it draws move with the pushed changes.
    await expect.poll(async () => page.locator('#live-mode').getAttribute('data-mode'), { timeout: 20_000 }).toBe('subscription');
    const pushed = async (): Promise<number> => Number(/(\d+) changes pushed/.exec((await page.locator('#chart-stats').textContent()) ?? '')?.[1] ?? 0);
    await expect.poll(pushed, { timeout: 20_000 }).toBeGreaterThan(0);
  }, 60_000);

  it('shows the same counts the GraphQL API returns for windows closed before the chart read them', async () => {
    const chart = page.locator('#chart');
    // A window stops changing once records of its time stopped arriving and were committed (1 s):
    // windows that ended 5 s before the read are final in the chart and in the store alike.
    const finalPoints = async (): Promise<{ readAt: number; points: { key: string; start: number; value: number }[] }> => chart.evaluate((svg) => {
      const readAt = Number(svg.dataset['readAt']);
      const sizeMs = Number(svg.dataset['sizeMs']);
      const points = Array.from(svg.querySelectorAll('.series circle'), (c) => ({
        key: (c.parentNode as SVGElement).dataset['key'] ?? '',
        start: Number((c as SVGElement).dataset['start']),
        value: Number((c as SVGElement).dataset['value']),
      }));
      return { readAt, points: points.filter((p) => p.start + sizeMs < readAt - 5_000 && p.value > 0) };
    });
    await expect.poll(async () => (await finalPoints()).points.length, { timeout: 25_000 }).toBeGreaterThan(0);
    const { readAt, points: final } = await finalPoints();
    const data = await graphql(`${demo.url}graphql`, `query($from: DateTime!, $to: DateTime!) {
      windowedRange(store: "counts-5s", from: $from, to: $to, first: 1000) { edges { node { key start value } } } }`, { from: Math.min(...final.map((p) => p.start)), to: readAt });
    const truth = new Map((data['windowedRange'] as { edges: { node: { key: string; start: string; value: number } }[] }).edges
      .map((e) => [`${e.node.key}@${Date.parse(e.node.start)}`, e.node.value]));
    for (const p of final) expect({ ...p, value: truth.get(`${p.key}@${p.start}`) }).toEqual(p);
  }, 45_000);

  it('looks a key up and shows its value, partition and the instance that served it', async () => {
    const endpoint = `127.0.0.1:${demo.port}`;
    await expect.poll(async () => page.locator('#lookup-store option').allTextContents(), { timeout: 15_000 }).toContain('address');
    await page.locator('#lookup-store').selectOption('address');
    await page.locator('#lookup-key').fill('andy');
    await page.locator('#lookup-form button[type=submit]').click();
    const result = page.locator('#lookup-result');
    await expect.poll(async () => result.locator('[data-field=servedBy]').textContent(), { timeout: 10_000 }).toBe(endpoint);
    expect(await result.locator('[data-field=value]').textContent()).toMatch(/^\d+ [A-Za-z ]+, [A-Za-z]+$/);
    const meta = await graphql(`${demo.url}graphql`, '{ keyMetadata(store: "address", key: "andy") { partition activeHost } }');
    const { partition, activeHost } = meta['keyMetadata'] as { partition: number; activeHost: string };
    expect(await result.locator('[data-field=partition]').textContent()).toBe(String(partition));
    expect(await result.locator('[data-field=activeHost]').textContent()).toBe(activeHost);

    // An unknown store is an error with its code, not a blank.
    await page.evaluate(() => {
      const select = document.getElementById('lookup-store') as HTMLSelectElement;
      select.add(new Option('no-such-store', 'no-such-store'));
      select.value = 'no-such-store';
    });
    await page.locator('#lookup-form button[type=submit]').click();
    await expect.poll(async () => result.locator('.error code').textContent(), { timeout: 10_000 }).toBe('UNKNOWN_STORE');

    // And back to a good answer (it is what the screenshot shows).
    await page.locator('#lookup-store').selectOption('address');
    await page.locator('#lookup-form button[type=submit]').click();
    await expect.poll(async () => result.locator('[data-field=servedBy]').textContent(), { timeout: 10_000 }).toBe(endpoint);
  }, 45_000);

  it('lists this instance in the cluster view with its state, partitions and metrics', async () => {
    const row = page.locator(`.instance-row[data-endpoint="127.0.0.1:${demo.port}"]`);
    await expect.poll(async () => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.locator('.pill').textContent()).toBe('RUNNING');
    expect(await row.locator('.self').textContent()).toBe('this instance');
    // The window count's input partitions, qualified by its application id.
    const topics = await row.locator('.topic').allTextContents();
    expect(topics).toContain('test-log-window-count/test_log012');
    const stores = await page.locator('#stores td:first-child').allTextContents();
    expect(stores).toEqual(expect.arrayContaining(['address', 'counts-5s']));
    await expect.poll(async () => page.locator('#metrics').textContent(), { timeout: 10_000 }).toMatch(/GraphQL requests\s*[1-9]/);

    mkdirSync(dirname(ARTIFACT), { recursive: true });
    await page.screenshot({ path: ARTIFACT, fullPage: true });
    expect(existsSync(ARTIFACT)).toBe(true);
    expect(pageErrors).toEqual([]);
    expect(external).toEqual([]);
  }, 45_000);
});
