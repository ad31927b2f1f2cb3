import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XSS_MESSAGE } from './fixtures/make-fixture';
import { DashboardView, squash } from './lib/dashboard';
import { eventually, expect, Steps } from './lib/steps';
import { Workbench } from './lib/workbench';
import { journalEntries, listFiles, type JournalLine } from './lib/workspace-files';
import type { WalkContext } from './walk-trusted';

/**
 * The dashboard as a person uses it inside VS Code (issue 6, and the dashboard parts of issue 5), on a fixture with
 * a platform-wide regression (a high-risk escalation waiting for approval), an ambiguous incident the LLM is asked
 * about, and a ticket whose message is an HTML injection. Every step checks what the person sees in the webview
 * and what happened on disk and in the journal.
 */
export async function walkDashboard(ctx: WalkContext, steps: Steps, wb: Workbench): Promise<void> {
  const { page } = wb;
  const dash = new DashboardView(page);
  const outDir = join(ctx.workspace, '.cosmos', 'out');
  // A browser dialog (alert/confirm/prompt) from any frame would mean injected script ran: record and refuse it.
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });

  const ids = { webhook: '', platform: '', ambiguous: '' };

  await steps.run('Start Agent → incidents, among them a platform-wide regression and an ambiguous one', async () => {
    await wb.open(ctx.url);
    await wb.statusItem('COSMOS').waitFor({ timeout: 30_000 });
    await wb.runCommand('COSMOS: Start Agent');
    await wb.statusItem(/COSMOS: \d+ incident/).waitFor({ timeout: 30_000 });
    await wb.openViewContainer('COSMOS');
    const rowId = async (re: RegExp) => /INC-\d+/.exec(await wb.paneRow('Incidents', re).first().innerText({ timeout: 30_000 }))?.[0] ?? '';
    ids.webhook = await rowId(/INC-\d+\s+webhook_auth_failure/);
    ids.platform = await rowId(/INC-\d+\s+platform_regression/);
    ids.ambiguous = await rowId(/INC-\d+\s+unknown/);
    expect(ids.webhook && ids.platform && ids.ambiguous, `missing incidents: ${JSON.stringify(ids)}`);
    return `webhook ${ids.webhook}, platform ${ids.platform}, ambiguous ${ids.ambiguous}`;
  });

  await steps.run('COSMOS: Open Dashboard from the palette → the webview reads Observe / Reason / Decide / Act for the incident', async () => {
    const t0 = Date.now();
    await wb.runCommand('COSMOS: Open Dashboard');
    await dash.tab().waitFor({ timeout: 15_000 });
    await dash.frame().locator('#app').waitFor({ state: 'attached', timeout: 30_000 });
    const pageMs = Date.now() - t0;
    const rows = await dash.waitForContent();
    const contentMs = Date.now() - t0;
    await dash.select(ids.webhook);
    const title = squash(await dash.frame().locator('.trace-title').innerText());
    const observe = await dash.eventuallyText('the Observe section', dash.stage('Observe'), /Evidence \(\d+\)/i); // headings are upper-cased by CSS
    expect(/14/.test(observe) && /M3/.test(observe) && /events\.ndjson:\d+/.test(observe), `Observe does not show the 14 events of M3 with evidence lines: ${observe.slice(0, 400)}`);
    const reason = await dash.stageText('Reason');
    expect(/Webhook auth failure/.test(reason) && /builtin\.webhook_auth_failure/.test(reason) && /95 ?%|0\.95/.test(reason), `Reason does not show the cause, its rule and confidence: ${reason.slice(0, 400)}`);
    const decide = await dash.stageText('Decide');
    const gate = /The binding gate was “[^”]+”: it passed by a margin of \d+\.\d+\./.exec(decide)?.[0];
    expect(gate, `Decide has no binding-gate sentence with numbers: ${decide.slice(0, 400)}`);
    const act = await dash.stageText('Act');
    expect(/Draft support reply/.test(act) && /Approve…/.test(act), `Act does not offer the draft reply for approval: ${act.slice(0, 300)}`);
    await wb.screenshot('dashboard-light');
    await dash.frame().locator('.tabs button[data-tab="trends"]').click();
    await dash.frame().locator('.trends-tab svg').first().waitFor({ state: 'visible', timeout: 10_000 });
    await wb.screenshot('dashboard-light-trends');
    await dash.frame().locator('.tabs button[data-tab="incidents"]').click();
    await dash.waitForTraceOf(ids.webhook);
    return `page loaded in ${pageMs} ms, state shown after ${contentMs} ms; ${rows} incidents listed; "${title}"; ${gate}`;
  });

  await steps.run('approve the draft reply from the dashboard → native confirmation → draft on disk, gone from Approvals, journalled', async () => {
    const card = dash.actionCard('Draft support reply');
    const approvalId = /Approval (\S+) pending/.exec(await card.innerText())?.[1];
    expect(approvalId, 'the draft reply card names no pending approval');
    const treeLabel = `Draft support reply — ${ids.webhook}`;
    await wb.paneRow('Approvals', treeLabel).first().waitFor();
    const before = listFiles(outDir);
    await card.locator('button.approve').click();
    const dialog = wb.dialog();
    await dialog.waitFor({ timeout: 10_000 });
    const shown = squash(await dialog.innerText());
    expect(shown.includes('Draft support reply') && shown.includes(ids.webhook) && /Parameters:/.test(shown) && /reply-M3\.md/.test(shown), `the confirmation does not say what will run: ${shown}`);
    await wb.screenshot('dashboard-approve-confirm');
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^Approve$/ }).click();
    const draft = await eventually('the draft file on disk', () => listFiles(outDir).find((f) => !before.includes(f)));
    expect(draft === `${ids.webhook}/reply-M3.md`, `unexpected draft file ${draft}`);
    await eventually('the approval to leave the Approvals tree', async () => (await wb.paneRow('Approvals', treeLabel).count()) === 0);
    const done = await eventually('the journal to record the approval and the execution', () => {
      const j = journalEntries(ctx.server.userData);
      const approved = j.find((e) => e.type === 'approval' && e.data.approvalId === approvalId && e.data.status !== 'pending');
      const ran = j.find((e) => e.type === 'action' && e.data.approvalId === approvalId && e.data.phase === 'done');
      return approved && ran ? `${String(approved.data.status)} by ${String(approved.data.by)}, action ${String(ran.data.actionId)} done` : undefined;
    });
    await dash.eventuallyText('the card to show the action ran', card, /Result:/);
    expect(readFileSync(join(outDir, draft), 'utf8').includes('M3'), 'the draft does not address merchant M3');
    await wb.screenshot('dashboard-approved');
    return `${approvalId} → ${draft}; journal: ${done}`;
  });

  await steps.run('"Show Incident Trace" on an incident in the tree opens the (closed) dashboard with that incident selected', async () => {
    await closeDashboard(wb, dash);
    const row = wb.paneRow('Incidents', new RegExp(`${ids.platform}\\s+platform_regression`)).first();
    await wb.clickInlineAction(row, 'Show Incident Trace');
    await dash.tab().waitFor({ timeout: 15_000 });
    await dash.waitForContent();
    await dash.waitForTraceOf(ids.platform);
    const selected = await eventually('the list selection', () => dash.selectedId());
    expect(selected === ids.platform, `the dashboard selected ${selected}, not ${ids.platform}`);
    const head = squash(await dash.frame().locator('.trace-head').innerText());
    await wb.screenshot('dashboard-show-trace');
    return `selected ${selected}: ${head.slice(0, 160)}`;
  });

  await steps.run('a high-risk approval asks a modal naming the action and its parameters; Cancel runs nothing; confirming runs it once', async () => {
    const card = dash.actionCard('Create escalation');
    const cardText = squash(await card.innerText());
    expect(/High risk/i.test(cardText), `the escalation card does not show its risk: ${cardText}`);
    const approvalId = /Approval (\S+) pending/.exec(cardText)?.[1];
    expect(approvalId, 'the escalation card names no pending approval');
    const escalation = join(outDir, ids.platform, 'escalation.md');
    const treeLabel = `Create escalation — ${ids.platform}`;

    const openModal = async () => {
      await card.locator('button.approve').click();
      await wb.dialog().waitFor({ timeout: 10_000 });
      return squash(await wb.dialog().innerText());
    };
    const modal = await openModal();
    for (const want of ['HIGH-RISK', ids.platform, 'Action: create_escalation (high risk)', `incidentId: ${ids.platform}`, 'scope: platform', 'M20', 'M31', `file: ${ids.platform}/escalation.md`, 'Reason:']) {
      expect(modal.includes(want), `the high-risk confirmation does not show "${want}": ${modal}`);
    }
    await wb.screenshot('dashboard-high-risk-modal');
    await wb.dialog().locator('.dialog-buttons .monaco-button', { hasText: /^Cancel$/ }).click();
    await wb.dialog().waitFor({ state: 'hidden' });
    await dash.eventuallyText('the card to be approvable again', card, /Approve…/);
    // Give a wrongly wired path time to run anyway, then check that nothing did.
    await new Promise((r) => setTimeout(r, 1500));
    const ranAfterCancel = journalEntries(ctx.server.userData).filter((e) => e.type === 'action' && e.data.type === 'create_escalation');
    expect(!existsSync(escalation), 'the escalation file was written although the user cancelled');
    expect(ranAfterCancel.length === 0, `the journal records the escalation after Cancel: ${JSON.stringify(ranAfterCancel[0]?.data)}`);
    expect((await wb.paneRow('Approvals', treeLabel).count()) === 1, 'the escalation left the Approvals tree after Cancel');

    await openModal();
    await wb.dialog().locator('.dialog-buttons .monaco-button', { hasText: /^Approve and run$/ }).click();
    await eventually('the escalation file', () => existsSync(escalation));
    await eventually('the escalation to leave the Approvals tree', async () => (await wb.paneRow('Approvals', treeLabel).count()) === 0);
    await dash.eventuallyText('the card to show the result', card, /Result:/);
    const runs = await eventually('the journal to record one execution', () => {
      const entries = journalEntries(ctx.server.userData).filter((e) => e.type === 'action' && e.data.type === 'create_escalation');
      return entries.some((e) => e.data.phase === 'done') ? entries : undefined;
    });
    const phases = runs.map((e: JournalLine) => String(e.data.phase));
    expect(phases.filter((p) => p === 'executing').length === 1 && phases.filter((p) => p === 'done').length === 1, `the escalation ran more than once: ${phases.join(', ')}`);
    expect(ctx.evil.requests.length === 0, `the escalation was posted to the URL named in the workspace's own settings: ${ctx.evil.requests.join(', ')}`);
    await wb.screenshot('dashboard-high-risk-ran');
    return `modal named create_escalation with its merchants and file; Cancel → no file, no journal entry; confirm → ${ids.platform}/escalation.md, journal ${phases.join(' → ')}`;
  });

  await steps.run(`a ticket whose message is ${XSS_MESSAGE} renders as inert text in the webview`, async () => {
    await dash.select(ids.ambiguous);
    // The ambiguous incident went to the LLM (the counter answers 500): the trace shows the prompt that was sent,
    // which quotes the ticket.
    const reason = await dash.eventuallyText('the LLM call in the Reason section', dash.stage('Reason'), /Prompt sent \(redacted\)/i, 20_000);
    await dash.stage('Reason').locator('details.collapsible summary', { hasText: 'Prompt sent (redacted)' }).click();
    const prompt = dash.stage('Reason').locator('details.collapsible[open] pre.code');
    await prompt.waitFor({ state: 'visible' });
    const literal = dash.frame().getByText(XSS_MESSAGE, { exact: false });
    await literal.first().waitFor({ state: 'visible' });
    const promptText = await prompt.innerText();
    expect(promptText.includes(XSS_MESSAGE), `the prompt does not show the ticket text literally: ${promptText.slice(0, 300)}`);
    const images = await dash.frame().locator('img').count();
    expect(images === 0, `the webview holds ${images} <img> element(s): ticket text became HTML`);
    const handlers = await dash.frame().locator('[onerror]').count();
    expect(handlers === 0, `the webview holds ${handlers} element(s) with an onerror attribute`);
    const ticketShown = await dash.frame().locator('pre.code', { hasText: 'ERP sync broken' }).count();
    expect(ticketShown > 0, 'the ticket excerpt is not in the prompt');
    await new Promise((r) => setTimeout(r, 500));
    expect(dialogs.length === 0, `a browser dialog appeared: ${dialogs.join(' | ')}`);
    await literal.first().scrollIntoViewIfNeeded();
    await wb.screenshot('dashboard-inert-html');
    return `mode: ${/(LLM failed|llm_failed|Deterministic|Hybrid)[^.]*/i.exec(reason)?.[0] ?? '?'}; "${XSS_MESSAGE}" shown as text, 0 <img>, 0 dialogs`;
  });

  await steps.run('dark theme: Preferences: Color Theme → Dark Modern restyles the dashboard', async () => {
    await dash.select(ids.webhook);
    const light = await dash.frame().locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    const themeLight = await dash.frame().locator('html').getAttribute('data-theme');
    await wb.runCommand('Preferences: Color Theme');
    await wb.pickQuickItem(/^\s*Dark Modern/);
    await eventually('the webview to follow the dark theme', async () => (await dash.frame().locator('html').getAttribute('data-theme')) === 'dark');
    const dark = await dash.frame().locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(light !== dark, `the dashboard background did not change with the theme (${light})`);
    await dash.waitForTraceOf(ids.webhook);
    await wb.screenshot('dashboard-dark');
    await dash.frame().locator('.tabs button[data-tab="trends"]').click();
    await dash.frame().locator('.trends-tab svg').first().waitFor({ state: 'visible', timeout: 10_000 });
    await wb.screenshot('dashboard-dark-trends');
    await dash.frame().locator('.tabs button[data-tab="incidents"]').click();
    return `theme ${themeLight} → dark; body ${light} → ${dark}`;
  });

  await steps.run('reload the window with the dashboard open → the panel comes back with its content and selection', async () => {
    await dash.select(ids.platform);
    await new Promise((r) => setTimeout(r, 400)); // the page saves its UI state 150 ms after a change
    const navigated = page.waitForEvent('load', { timeout: 60_000 });
    await wb.runCommand('Developer: Reload Window');
    await navigated;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await dash.tab().waitFor({ timeout: 30_000 });
    const rows = await dash.waitForContent(45_000);
    await dash.waitForTraceOf(ids.platform, 20_000);
    const act = await dash.stageText('Act');
    expect(/Create escalation/.test(act), `the restored trace has no Act section content: ${act.slice(0, 200)}`);
    await wb.screenshot('dashboard-reloaded');
    return `restored: ${rows} incidents, ${ids.platform} selected`;
  });
}

/** Closes the dashboard's editor tab like a person (hover the tab, click its ×). */
async function closeDashboard(wb: Workbench, dash: DashboardView): Promise<void> {
  const tab = dash.tab().first();
  await tab.hover();
  await tab.locator('.tab-actions .action-label').first().click();
  await dash.tab().waitFor({ state: 'detached', timeout: 10_000 });
  void wb;
}
