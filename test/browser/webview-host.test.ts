import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Approval, EvidenceRef } from '../../src/core/report/schema';
import { createDashboardFeed } from '../../src/server/dashboard-feed';
import type { HostToView } from '../../src/shared/dashboard-protocol';
import { handleViewMessage } from '../../src/vscode/dashboard/dashboard-messages';
import { makeNonce, renderWebviewHtml } from '../../src/vscode/dashboard/dashboard-html';
import { FakeAgent } from '../fakes/fake-agent';
import { ARTIFACTS, buildAssets, launchChromium } from './harness';

/**
 * The VS Code side of the dashboard in Chromium without VS Code: the panel's real HTML and CSP, the webview's
 * `acquireVsCodeApi` simulated by a page binding, and the panel's real message handler (zod validation, native
 * confirmation stand-in, approval path) on the Node side. The real-VS-Code run belongs to the extension's e2e suite.
 */
const ORIGIN = 'https://webview.cosmos.test';

describe('VS Code webview transport (Chromium, simulated host)', function () {
  this.timeout(120_000);
  let assets: Awaited<ReturnType<typeof buildAssets>>;
  let browser: Browser;
  before(async () => {
    assets = await buildAssets();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    assets?.cleanup();
  });

  async function openPanel(agent: FakeAgent, opts: { confirm: boolean; theme: string }) {
    const feed = createDashboardFeed(agent, { coalesceMs: 10 });
    const confirmed: Approval[] = [];
    const opened: EvidenceRef[] = [];
    const stored: unknown[] = [];
    let selected: string | undefined;
    let ready = false;
    const page: Page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const post = (m: HostToView): void => {
      if (ready) void page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
    };
    feed.onPatch((patch) => post({ type: 'patch', patch }));
    await page.exposeBinding('__hostReceive', async (_src, raw: unknown) => {
      await handleViewMessage(raw, {
        post,
        agent: () => agent,
        feed: () => feed,
        ready: () => {
          ready = true;
          post({ type: 'state', state: feed.snapshot() });
        },
        selected: (id) => (selected = id),
        selectedId: () => selected,
        confirm: async (a) => (confirmed.push(a), opts.confirm),
        approve: async (id) => void (await agent.approve(id, 'vscode:test')),
        reject: async (id) => void (await agent.reject(id, 'vscode:test', 'native reason')),
        openEvidence: async (ref) => void opened.push(ref),
        isTrusted: () => agent.effectsAllowed,
        warn: () => undefined,
      });
    });
    await page.exposeBinding('__hostSetState', (_src, s: unknown) => void stored.push(s));
    // A string, not a function: tsx would inject its `__name` helper into a serialised function.
    await page.addInitScript(`
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));
      let state;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__hostReceive(m),
        getState: () => state,
        setState: (s) => { state = s; window.__hostSetState(s); },
      });
      document.addEventListener('DOMContentLoaded', () => document.body.classList.add(${JSON.stringify(opts.theme)}));
    `);
    const nonce = makeNonce();
    const html = renderWebviewHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/dist/webview/dashboard.js`, styleUri: `${ORIGIN}/media/dashboard.css` });
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/index.html') return route.fulfill({ body: html, contentType: 'text/html' });
      const file = path.join(assets.root, url.pathname);
      return route.fulfill({ body: readFileSync(file), contentType: file.endsWith('.js') ? 'text/javascript' : 'text/css' });
    });
    page.on('console', (m) => process.env.G_DEBUG && console.log('console', m.text()));
    page.on('pageerror', (e) => process.env.G_DEBUG && console.log('pageerror', e.message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.locator('.trace-title').waitFor();
    return { page, confirmed, opened, stored, feed };
  }

  it('handshake, trace, evidence opens in the editor, approval confirmed natively, UI state persisted', async () => {
    const agent = new FakeAgent({ count: 20 });
    const { page, confirmed, opened, stored, feed } = await openPanel(agent, { confirm: true, theme: 'vscode-dark' });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const id = (await page.locator('.trace-meta .mono').first().textContent())!;
    // Evidence is a link in VS Code: it asks the host to open the exact line.
    const ev = agent.incident(id)!.evidence[0]!;
    await page.getByRole('button', { name: `${ev.file}:${ev.line}:1` }).click();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(opened, [ev]);
    // Approve: one click in the webview, then the host's native confirmation (low/medium) and the approval path.
    const approval = agent.approvals({ status: 'pending' }).find((a) => a.incidentId === id)!;
    await page.locator('.approval button.approve').click();
    await page.locator('.toast.ok').waitFor();
    assert.equal(confirmed.length, approval.risk === 'high' ? 0 : 1);
    assert.deepEqual(agent.calls.approve, [{ id: approval.id, by: 'vscode:test' }]);
    await page.locator(`.row[data-id="${id}"] .pill.attention`).waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(stored.some((s) => (s as { selectedId?: string }).selectedId === id), 'getState/setState keeps the selection');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    await page.screenshot({ path: path.join(ARTIFACTS, 'webview-vscode-dark.png') });
    feed.dispose();
    await page.context().close();
  });

  it('Restricted Mode: the buttons are replaced by the reason, and nothing can be approved', async () => {
    const agent = new FakeAgent({ count: 8, effectsAllowed: false });
    const { page, feed } = await openPanel(agent, { confirm: true, theme: 'vscode-light' });
    await page.locator('.approval .warn-text', { hasText: 'Restricted Mode' }).waitFor();
    assert.equal(await page.locator('.approval button').count(), 0);
    // Even a forged message from the page is refused by the host.
    const a = agent.approvals({ status: 'pending' })[0]!;
    await page.evaluate((approvalId) => (window as unknown as { acquireVsCodeApi: () => { postMessage(m: unknown): void } }).acquireVsCodeApi().postMessage({ type: 'approve', requestId: 99, approvalId }), a.id);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(agent.calls.approve.length, 0);
    feed.dispose();
    await page.context().close();
  });
});
