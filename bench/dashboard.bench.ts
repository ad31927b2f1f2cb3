import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { startDashboardServer } from '../src/server/dashboard-server';
import { buildAssets, CHROMIUM, launchChromium } from '../test/browser/harness';
import { FakeAgent } from '../test/fakes/fake-agent';
import { check, figure, fmtSummary, type Benchmark } from './lib/report';
import { repeat, summarise } from './lib/stats';

const INCIDENTS = 10_000;
const wall = (): number => performance.timeOrigin + performance.now();

/**
 * Issue 7, item 8: the `cosmos run --port` dashboard (the real server and the real front-end bundle) holding 10,000
 * incidents, in Debian's headless Chromium: time to first render, and time from an agent change to the updated
 * incident on screen (agent event → feed → server-sent event → patch → DOM, observed in the page by a
 * MutationObserver), beside the in-page patch time the front end reports.
 */
export const dashboardBench: Benchmark = {
  id: 'dashboard',
  title: 'Dashboard',
  async run(ctx) {
    if (!existsSync(CHROMIUM)) return notMeasured(ctx.quick, `chromium missing (${CHROMIUM})`);
    const assets = await buildAssets();
    let browser: Browser;
    try {
      browser = await launchChromium();
    } catch (err) {
      assets.cleanup();
      return notMeasured(ctx.quick, `chromium did not start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    const agent = new FakeAgent({ count: INCIDENTS });
    const srv = await startDashboardServer({ agent, port: 0, assetsDir: assets.root });
    try {
      const stateMs: number[] = [];
      const firstRender = await repeat(5, 1, async () => {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        const t0 = wall();
        await page.goto(srv.url);
        await page.locator('.trace-title').waitFor();
        const ms = wall() - t0;
        stateMs.push(await page.evaluate(() => window.__cosmosPerf?.stateMs ?? Number.NaN));
        await context.close();
        return ms;
      });
      const render = summarise(firstRender);
      const stateApply = summarise(stateMs.slice(1));
      ctx.log(`  first render (goto → selected incident shown), ${INCIDENTS.toLocaleString('en-US')} incidents: ${fmtSummary(render, 'ms')}; in-page state apply ${fmtSummary(stateApply, 'ms')}`);

      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(srv.url);
      await page.locator('.trace-title').waitFor();
      const selectedId = (await page.locator('.trace-meta .mono').first().textContent())?.trim() ?? '';
      const base = agent.incident(selectedId);
      if (!base) throw new Error(`the dashboard selected "${selectedId}", which the agent does not know`);
      let k = 0;
      const patchMs: number[] = [];
      const updates = await repeat(9, 1, async () => {
        const title = `Live update ${++k}`;
        await page.evaluate(waiterScript(title));
        const t1 = wall();
        agent.update({ ...base, title, lastSeen: base.lastSeen + k });
        const shownAt = (await page.evaluate('window.__benchWait')) as number;
        patchMs.push(await page.evaluate(() => window.__cosmosPerf?.lastPatchMs ?? Number.NaN));
        return shownAt - t1;
      });
      await context.close();
      const update = summarise(updates);
      const patch = summarise(patchMs.slice(1));
      ctx.log(`  update (agent change → new title in the DOM): ${fmtSummary(update, 'ms')}; in-page patch apply ${fmtSummary(patch, 'ms', 2)}`);
      return {
        ran: `startDashboardServer + FakeAgent(${INCIDENTS}) + dist dashboard bundle, Chromium via playwright-core: 5 fresh pages to the first render, 9 live updates of the selected incident`,
        inputs: `${INCIDENTS.toLocaleString('en-US')} incidents; viewport 1440×900`,
        figures: [
          figure('first render', render, 'ms'),
          figure('  in-page state apply', stateApply, 'ms'),
          figure('update on screen (end to end)', update, 'ms'),
          figure('  in-page patch apply', patch, 'ms'),
        ],
        checks: [check('update renders (agent change → DOM)', Number(update.median.toFixed(1)), '<=', 100, { unit: 'ms' })],
      };
    } finally {
      await srv.close();
      await browser.close();
      assets.cleanup();
    }
  },
};

/**
 * Installs `window.__benchWait`: resolves with the wall time at which the selected incident's title shows `want`.
 * A string, not a function: the TypeScript loader decorates named inner functions with a helper the page lacks.
 */
function waiterScript(want: string): string {
  return `(() => {
    const want = ${JSON.stringify(want)};
    window.__benchWait = new Promise((resolve) => {
      const seen = () => {
        const t = document.querySelector('.trace-title');
        if (t && t.textContent && t.textContent.includes(want)) { resolve(performance.timeOrigin + performance.now()); return true; }
        return false;
      };
      if (seen()) return;
      const mo = new MutationObserver(() => { if (seen()) mo.disconnect(); });
      mo.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  })()`;
}

function notMeasured(quick: boolean, why: string) {
  return {
    ran: 'nothing: the dashboard needs headless Chromium',
    inputs: '—',
    figures: [figure('first render', `not measured: ${why}`)],
    checks: [
      quick
        ? check('update renders (agent change → DOM)', undefined, '<=', 100, { unit: 'ms', note: `not measured: ${why}` })
        : { label: 'update renders (agent change → DOM)', value: undefined, op: '<=' as const, limit: 100, unit: 'ms', status: 'fail' as const, note: `not measured: ${why}` },
    ],
  };
}
