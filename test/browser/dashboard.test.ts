import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDashboardServer, type DashboardServer } from '../../src/server/dashboard-server';
import { FakeAgent, makeIncident } from '../fakes/fake-agent';
import { ARTIFACTS, buildAssets, launchChromium } from './harness';
import { XSS_PAYLOADS } from './xss-payloads';

/**
 * The browser dashboard of `cosmos run --port`, end to end in Debian's Chromium: the real server, the real bundle,
 * an in-memory agent. Timings are reported, not asserted tightly (shared, noisy machines: see issue 7).
 */
describe('browser dashboard (Chromium)', function () {
  this.timeout(180_000);
  let assets: Awaited<ReturnType<typeof buildAssets>>;
  let browser: Browser;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    assets = await buildAssets();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    assets?.cleanup();
  });

  async function serve(agent: FakeAgent): Promise<DashboardServer> {
    return startDashboardServer({ agent, port: 0, assetsDir: assets.root });
  }

  async function open(srv: DashboardServer, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: opts.colorScheme ?? 'light' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    (page as Page & { errors?: string[] }).errors = errors;
    await page.goto(srv.url);
    await page.locator('.trace-title').waitFor();
    return page;
  }

  describe('with realistic incidents', () => {
    let agent: FakeAgent;
    let srv: DashboardServer;
    before(async () => {
      agent = new FakeAgent({ count: 40 });
      srv = await serve(agent);
    });
    after(async () => srv.close());

    it('shows the selected incident’s trace: believes/because/wants, and all four stages with their facts', async () => {
      const page = await open(srv);
      const trace = page.locator('.trace');
      const id = (await page.locator('.trace-meta .mono').first().textContent())!;
      const inc = agent.incident(id)!;
      await assertVisibleText(trace, ['Believes', 'Because', 'Wants', 'Observe', 'Reason', 'Decide', 'Act', 'Observation confidence', 'Anomalies (']);
      await assertVisibleText(trace, [inc.title, inc.anomalies[0]!.explanation, inc.decision!.summary]);
      await assertVisibleText(page.locator('.glance-wants'), ['Needs your approval to:']);
      // The evidence shows file:line in the browser (no editor to open).
      await assertVisibleText(trace, [`${inc.evidence[0]!.file}:${inc.evidence[0]!.line}:1`]);
      // The token was taken from the fragment and removed from the address bar.
      assert.equal(await page.evaluate(() => location.hash), '');
      assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
      await page.context().close();
    });

    it('shows an LLM trace with its redacted prompt and raw answer in collapsible sections', async () => {
      const page = await open(srv);
      const llmIncident = [...agent.incidents.values()].find((i) => i.reasoningMode === 'llm')!;
      await page.fill('.search', llmIncident.id);
      await page.locator(`.row[data-id="${llmIncident.id}"]`).click();
      await page.locator('.trace-meta .mono', { hasText: llmIncident.id }).waitFor();
      await assertVisibleText(page.locator('.trace'), ['✦ LLM', 'model phi3:mini', 'LLM call', 'Prompt sent (redacted)', 'Raw answer']);
      await page.locator('summary', { hasText: 'Prompt sent (redacted)' }).click();
      await assertVisibleText(page.locator('details.collapsible[open] pre'), ['[REDACTED_EMAIL]']);
      await page.context().close();
    });

    it('approving from the dashboard calls agent.approve once, and the approval leaves the list', async () => {
      const page = await open(srv);
      const id = (await page.locator('.trace-meta .mono').first().textContent())!;
      const approval = agent.approvals({ status: 'pending' }).find((a) => a.incidentId === id)!;
      assert.ok(approval, 'the first incident awaits approval');
      await page.locator('.approval button.approve').click();
      await page.getByRole('button', { name: 'Confirm approval' }).click();
      await page.locator('.toast.ok').waitFor();
      assert.deepEqual(agent.calls.approve, [{ id: approval.id, by: 'browser dashboard' }]);
      await page.locator(`.row[data-id="${id}"] .pill.attention`).waitFor({ state: 'detached' });
      await assertVisibleText(page.locator(`.action[data-action-id="${approval.actionId}"]`), ['Executed', `Approval ${approval.id}: Done by browser dashboard`]);
      await page.context().close();
    });

    it('rejecting asks for a reason and sends it', async () => {
      const page = await open(srv);
      const id = (await page.locator('.trace-meta .mono').first().textContent())!;
      const approval = agent.approvals({ status: 'pending' }).find((a) => a.incidentId === id)!;
      await page.locator('.approval button.reject').click();
      await page.fill('.reject-reason', 'Wrong merchants: these stores are still on the old platform');
      await page.getByRole('button', { name: 'Confirm rejection' }).click();
      await page.locator('.toast.ok').waitFor();
      assert.deepEqual(agent.calls.reject.at(-1), { id: approval.id, by: 'browser dashboard', reason: 'Wrong merchants: these stores are still on the old platform' });
      await page.context().close();
    });

    it('filters and search narrow the list; live updates keep the selection and the scroll', async () => {
      const page = await open(srv);
      await page.selectOption('select[aria-label="Reasoning"]', 'llm_failed');
      const rows = page.locator('.row');
      const n = await rows.count();
      assert.ok(n > 0);
      for (let i = 0; i < n; i++) await assertVisibleText(rows.nth(i), ['LLM failed']);
      await page.selectOption('select[aria-label="Reasoning"]', '');
      await page.fill('.search', '');
      const list = page.locator('.list-scroll');
      await list.evaluate((e) => (e.scrollTop = 400));
      await page.locator('.row').nth(8).click();
      const selected = await page.locator('.row.selected').getAttribute('data-id');
      const before = Number(await page.evaluate(() => document.documentElement.dataset.seq));
      agent.update({ ...makeIncident(39), title: 'A live update arrived' });
      await page.waitForFunction((b) => Number(document.documentElement.dataset.seq) > b, before);
      await page.locator('.row-title', { hasText: 'A live update arrived' }).waitFor({ state: 'attached' });
      assert.equal(await page.locator('.row.selected').getAttribute('data-id'), selected);
      assert.equal(await list.evaluate((e) => e.scrollTop), 400);
      await page.context().close();
    });

    it('serves the strict CSP and the theme toggle switches palettes', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const response = await page.goto(srv.url);
      const csp = response!.headers()['content-security-policy']!;
      assert.match(csp, /^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src 'self'; img-src 'self' data:;/);
      assert.doesNotMatch(csp, /unsafe|https:/);
      await page.locator('.trace-title').waitFor();
      const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const light = await bg();
      await page.click('.theme-toggle');
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      assert.notEqual(await bg(), light);
      await context.close();
    });

    it('screenshots: light and dark, incidents and trends', async () => {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await open(srv, { colorScheme: scheme });
        const high = [...agent.incidents.values()].find((i) => i.reasoningMode === 'hybrid' && agent.approvals({ status: 'pending' }).some((a) => a.incidentId === i.id))!;
        await page.locator(`.row[data-id="${high.id}"]`).click();
        await page.locator('.trace-meta .mono', { hasText: high.id }).waitFor();
        await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${scheme}.png`) });
        await page.locator('.stage-act').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${scheme}-decide-act.png`) });
        await page.click('button[data-tab="trends"]');
        await page.locator('svg.chart').first().waitFor();
        assert.ok((await page.locator('svg.chart').count()) >= 5);
        await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${scheme}-trends.png`) });
        await page.context().close();
      }
      const hc = await browser.newContext({ viewport: { width: 1440, height: 900 }, forcedColors: 'active', colorScheme: 'dark' });
      const page = await hc.newPage();
      await page.goto(srv.url);
      await page.locator('.trace-title').waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-forced-colors.png') });
      await hc.close();
    });
  });

  describe('hostile text renders inert', () => {
    it(`${XSS_PAYLOADS.length} payloads in titles, merchants, codes, ticket text, LLM answers and params: 0 executions, 0 CSP violations`, async () => {
      assert.ok(XSS_PAYLOADS.length >= 50);
      const agent = new FakeAgent({ count: 2, hostile: XSS_PAYLOADS });
      const srv = await serve(agent);
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      let executions = 0;
      let dialogs = 0;
      await page.exposeFunction('__xss', () => void executions++);
      page.on('dialog', (d) => {
        dialogs++;
        void d.dismiss();
      });
      await page.addInitScript(() => {
        const w = window as unknown as { __csp: string[] };
        w.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(srv.origin)) requests.push(r.url());
      });
      await page.goto(srv.url);
      await page.locator('.trace-title').waitFor();

      const hostile = [...agent.incidents.values()].filter((i) => Number(i.id.slice(4)) >= 2);
      assert.equal(hostile.length, XSS_PAYLOADS.length);
      let first = true;
      for (const inc of hostile) {
        await page.fill('.search', inc.id);
        await page.locator(`.row[data-id="${inc.id}"]`).click();
        await page.locator('.trace-meta .mono', { hasText: inc.id }).waitFor();
        if (first && inc.llm) {
          // Open the prompt and raw answer once; the open state persists for the following incidents.
          await page.locator('summary', { hasText: 'Prompt sent (redacted)' }).click();
          await page.locator('summary', { hasText: 'Raw answer' }).click();
          first = false;
        }
        // The payload is on screen as text, character for character.
        const title = await page.locator('.trace-title').textContent();
        assert.equal(title, inc.title);
      }
      await page.click('button[data-tab="trends"]');
      await page.locator('svg.chart').first().waitFor();
      await page.click('button[data-tab="incidents"]');
      await page.waitForTimeout(300);

      const dom = await page.evaluate(() => {
        const all = [...document.querySelectorAll('*')];
        return {
          handlers: all.filter((e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).length,
          foreign: all.filter((e) => ['IMG', 'IFRAME', 'OBJECT', 'EMBED', 'A', 'FORM', 'BASE', 'VIDEO', 'AUDIO', 'MARQUEE', 'TEMPLATE', 'MATH'].includes(e.tagName.toUpperCase())).length,
          scripts: document.querySelectorAll('script').length,
          styles: document.querySelectorAll('style, link[rel=stylesheet]').length,
          csp: (window as unknown as { __csp: string[] }).__csp,
        };
      });
      assert.equal(executions, 0, 'no payload executed');
      assert.equal(dialogs, 0, 'no dialog opened');
      assert.deepEqual(dom.csp, [], 'no CSP violation (nothing even tried to load)');
      assert.equal(dom.handlers, 0, 'no element carries an on* attribute');
      assert.equal(dom.foreign, 0, 'no element the dashboard never creates');
      assert.equal(dom.scripts, 1);
      assert.equal(dom.styles, 1);
      assert.deepEqual(requests, [], 'no request left the origin');
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-xss-inert.png') });

      // Control: the detector works — the same payload injected as markup does fire (outside our rendering path).
      await page.evaluate(() => {
        const d = document.createElement('div');
        d.innerHTML = '<img src=x onerror=__xss(0)>';
        document.body.appendChild(d);
      });
      await page.waitForFunction(() => (window as unknown as { __csp: string[] }).__csp.length > 0);
      await context.close();
      await srv.close();
    });
  });

  describe('10,000 incidents', () => {
    it('renders the first screen and applies live updates (timings reported)', async () => {
      const agent = new FakeAgent({ count: 10_000 });
      const srv = await serve(agent);
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(srv.url);
      await page.locator('.trace-title').waitFor();
      const firstRender = Date.now() - t0;
      const domRows = await page.locator('.row').count();
      assert.ok(domRows < 60, `virtualised: ${domRows} rows in the DOM`);
      assert.equal(await page.locator('.count').textContent(), '10,000 incidents');

      const selectedId = (await page.locator('.trace-meta .mono').first().textContent())!;
      const base = agent.incident(selectedId)!;
      const updates: number[] = [];
      const applyMs: number[] = [];
      for (let k = 0; k < 7; k++) {
        const title = `Live update ${k}`;
        const t1 = Date.now();
        agent.update({ ...base, title, lastSeen: base.lastSeen + k + 1 });
        await page.locator('.trace-title', { hasText: title }).waitFor();
        updates.push(Date.now() - t1);
        applyMs.push(await page.evaluate(() => window.__cosmosPerf!.lastPatchMs));
      }
      const stateMs = await page.evaluate(() => window.__cosmosPerf!.stateMs);
      const scroll = Date.now();
      await page.locator('.list-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight / 2));
      await page.waitForFunction(() => document.querySelectorAll('.row').length > 0 && [...document.querySelectorAll<HTMLElement>('.row')].some((r) => r.getBoundingClientRect().top > 0 && r.getBoundingClientRect().top < 900));
      const scrollMs = Date.now() - scroll;
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const result = {
        incidents: 10_000,
        firstRenderMs: firstRender,
        stateApplyMs: Math.round(stateMs),
        updateEndToEndMedianMs: median(updates),
        updateEndToEndMs: updates,
        patchApplyMedianMs: Math.round(median(applyMs) * 10) / 10,
        scrollToMiddleMs: scrollMs,
        domRows,
        bundleBytes: assets.bundleBytes,
        note: 'end-to-end includes the feed coalescing window (50 ms), SSE, the detail fetch of the selected incident and Playwright polling; patchApply is the in-page render of one update',
      };
      writeFileSync(path.join(ARTIFACTS, 'perf-10k.json'), JSON.stringify(result, null, 2) + '\n');
      console.log(`      10k incidents: ${JSON.stringify(result)}`);
      assert.ok(firstRender < 30_000);
      await context.close();
      await srv.close();
    });
  });
});

async function assertVisibleText(locator: import('playwright-core').Locator, texts: string[]): Promise<void> {
  // innerText: what is rendered visible (CSS may upper-case headings, so compare case-insensitively).
  const text = (await locator.first().innerText()).replace(/\s+/g, ' ').toLowerCase();
  for (const t of texts) assert.ok(text.includes(t.replace(/\s+/g, ' ').toLowerCase()), `expected to see “${t}”`);
}
