import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { CodeServer } from './lib/code-server';
import type { RequestCounter } from './lib/fake-ollama';
import { DashboardView, squash } from './lib/dashboard';
import { eventually, expect, Steps } from './lib/steps';
import { Workbench } from './lib/workbench';
import { listFiles, storageText } from './lib/workspace-files';

export interface WalkContext {
  readonly browser: Browser;
  readonly server: CodeServer;
  readonly workspace: string;
  readonly url: string;
  readonly artifacts: string;
  readonly llm: RequestCounter;
  readonly evil: RequestCounter;
  /** Bring-up mode: only the harness path (install, launch, palette, tree) is asserted. */
  readonly bringUp: boolean;
}

const INCIDENT_ROW = /INC-\d+\s+webhook_auth_failure/;
/** An incident row ("INC-3 rate_limiting"), not an approval row ("Monitor — INC-3"). */
const INCIDENT_ANY = /^\s*INC-\d+\s+\w+/;

/**
 * The user's path in a trusted workspace, as the issue lists it: Start Agent from the palette, incidents in
 * the tree, diagnostics in Problems, approve from the Approvals tree and see the draft on disk, the approval
 * leave the list and the journal record it, a CodeLens, appended events making a new incident, a reload that
 * restores the state, Stop Agent clearing the diagnostics.
 */
export async function walkTrusted(ctx: WalkContext, steps: Steps, wb: Workbench): Promise<void> {
  const { page } = wb;
  const outDir = join(ctx.workspace, '.cosmos', 'out');

  await steps.run('workbench loads and COSMOS activates on workspaceContains (no command run)', async () => {
    await wb.open(ctx.url);
    await wb.statusItem('COSMOS').waitFor({ timeout: 30_000 });
    await wb.screenshot('activated');
    return `status bar: "${(await wb.statusItem('COSMOS').innerText()).trim()}"`;
  });

  await steps.run('COSMOS view container shows the welcome view with Start Agent / Generate Sample Data', async () => {
    await wb.openViewContainer('COSMOS');
    await wb.widenSideBar();
    const welcome = page.locator('#workbench\\.parts\\.sidebar .welcome-view-content');
    await welcome.getByRole('button', { name: /Start Agent/ }).first().waitFor({ timeout: 10_000 });
    await welcome.getByRole('button', { name: /Generate Sample Data/ }).first().waitFor();
    await wb.screenshot('welcome');
  });

  await steps.run('COSMOS: Start Agent from the palette → incidents in the Incidents tree', async () => {
    await wb.runCommand('COSMOS: Start Agent');
    await wb.statusItem(/COSMOS: \d+ incident/).waitFor({ timeout: 30_000 });
    await wb.sidebarRow(INCIDENT_ROW).first().waitFor({ timeout: 30_000 });
    const rows = await page.locator('#workbench\\.parts\\.sidebar .monaco-list-row').allInnerTexts();
    await wb.screenshot('incidents');
    return `tree: ${rows.map((r) => r.replace(/\s+/g, ' ').trim()).join(' | ')}`;
  });

  await steps.run('an incident expands into hypotheses (rule source), evidence and actions; evidence opens the file at its line', async () => {
    const incident = wb.sidebarRow(INCIDENT_ROW).first();
    await wb.expandRow(incident);
    await wb.sidebarRow(/Hypotheses/).first().waitFor();
    await wb.sidebarRow(/rule builtin\.|rule /).first().waitFor();
    const evidence = wb.sidebarRow(/^Evidence/).first();
    await wb.expandRow(evidence);
    const record = wb.sidebarRow(/events\.ndjson:\d+/).first();
    const label = (await record.innerText()).replace(/\s+/g, ' ').trim();
    const line = Number(/events\.ndjson:(\d+)/.exec(label)?.[1]);
    await record.click();
    await eventually(`the editor cursor at line ${line}`, async () =>
      (await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).innerText()).includes(`Ln ${line},`),
    );
    await wb.screenshot('evidence-opened');
    return `clicked "${label}" → events.ndjson open at Ln ${line}`;
  });

  if (ctx.bringUp) return;

  await steps.run('Problems panel: invalid record as an error at its line, evidence as COSMOS warnings', async () => {
    const rows = await wb.problems();
    await rows.filter({ hasText: /COSMOS INC-\d+ webhook_auth_failure \(0\.\d\d\) — \d+ events/ }).first().waitFor({ timeout: 15_000 });
    await rows.filter({ hasText: /\[Ln 20, Col 1\]/ }).first().waitFor();
    const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await wb.screenshot('problems');
    return `${texts.length} rows, e.g. ${texts.slice(0, 3).join(' | ')}`;
  });

  await steps.run('CodeLens above the first evidence record: "INC-n webhook_auth_failure · Approve: … · Reject · Show trace"', async () => {
    await wb.openFile('events.ndjson');
    await wb.codeLens(INCIDENT_ROW).first().waitFor({ timeout: 15_000 });
    await wb.codeLens(/^Approve: /).first().waitFor();
    await wb.codeLens(/^Reject$/).first().waitFor();
    await wb.codeLens(/^Show trace$/).first().waitFor();
    const lenses = await page.locator('.monaco-editor .codelens-decoration').allInnerTexts();
    await wb.screenshot('codelens');
    return `lenses: ${lenses.map((l) => l.replace(/\s+/g, ' ')).join(' || ')}`;
  });

  let traceIncident = '';
  await steps.run('Show trace (CodeLens) opens the dashboard on the incident', async () => {
    // The lens row reads "INC-n cause · Approve: … · Show trace": the incident its Show trace belongs to.
    const lensIncident = /INC-\d+/.exec(await wb.codeLens(INCIDENT_ROW).first().innerText())?.[0];
    expect(lensIncident, 'the CodeLens names no incident');
    traceIncident = lensIncident;
    await wb.codeLens(/^Show trace$/).first().click();
    const dash = new DashboardView(page);
    await dash.tab().waitFor({ timeout: 15_000 });
    await dash.waitForContent();
    await dash.waitForTraceOf(lensIncident);
    const title = squash(await dash.frame().locator('.trace-title').innerText());
    await wb.screenshot('trace');
    return `dashboard opened on ${lensIncident}: "${title}"`;
  });

  let approvedLabel = '';
  await steps.run('approve a pending action inline in the Approvals tree → draft on disk, row gone, journal records it', async () => {
    await wb.openViewContainer('COSMOS');
    const row = wb.paneRow('Approvals', /Draft support reply — INC-\d+/).first();
    await row.waitFor({ timeout: 15_000 });
    approvedLabel = approvalLabels([await row.innerText()])[0]!;
    const before = listFiles(outDir);
    await wb.screenshot('approvals-before');
    await wb.clickInlineAction(row, 'Approve Action');
    const draft = await eventually('a new draft file in .cosmos/out', () => listFiles(outDir).find((f) => !before.includes(f)));
    await eventually('the approval to leave the Approvals list', async () => (await wb.paneRow('Approvals', approvedLabel).count()) === 0);
    const approvalId = await eventually('the journal to record the approval', () => {
      const text = storageText(ctx.server.userData);
      return /"done"/.test(text) && /draft_support_reply/.test(text) ? 'recorded' : '';
    });
    const content = readFileSync(join(outDir, draft), 'utf8');
    expect(content.length > 50, `the draft ${draft} is nearly empty`);
    await wb.screenshot('approved');
    return `"${approvedLabel}" approved → ${draft} (${content.length} bytes), journal ${approvalId}`;
  });

  let incidentsBefore: string[] = [];
  await steps.run('append events to the watched NDJSON file → a new incident appears', async () => {
    incidentsBefore = incidentIds(await wb.paneRow('Incidents', INCIDENT_ANY).allInnerTexts());
    const t0 = Date.parse('2025-03-14T09:20:00Z');
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({ event_id: `evt-live-${i}`, merchant_id: 'M9', timestamp: new Date(t0 + i * 20_000).toISOString(), service: 'api', http_status: 429, error_code: 'rate_limited', endpoint: '/admin/api/products' }),
    );
    appendFileSync(join(ctx.workspace, 'events.ndjson'), lines.join('\n') + '\n');
    const row = await eventually('a new incident row', async () => {
      const now = incidentIds(await wb.paneRow('Incidents', INCIDENT_ANY).allInnerTexts());
      return now.find((r) => !incidentsBefore.includes(r));
    }, 20_000);
    await wb.screenshot('live-incident');
    return `new: ${row}`;
  });

  await steps.run('reload the window → the agent resumes with the same incidents and pending approvals', async () => {
    const incidents = incidentIds(await wb.paneRow('Incidents', INCIDENT_ANY).allInnerTexts()).sort();
    const pending = approvalLabels(await wb.pane('Approvals').locator('.monaco-list-row').allInnerTexts()).sort();
    const navigated = page.waitForEvent('load', { timeout: 60_000 });
    await wb.runCommand('Developer: Reload Window');
    await navigated;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await wb.statusItem(/COSMOS: \d+ incident/).waitFor({ timeout: 30_000 });
    await wb.openViewContainer('COSMOS');
    await wb.sidebarRow(INCIDENT_ROW).first().waitFor({ timeout: 20_000 });
    const after = await eventually('the restored incidents', async () => {
      const now = incidentIds(await wb.paneRow('Incidents', INCIDENT_ANY).allInnerTexts()).sort();
      return now.length >= incidents.length ? now : undefined;
    });
    const pendingAfter = approvalLabels(await wb.pane('Approvals').locator('.monaco-list-row').allInnerTexts()).sort();
    expect(JSON.stringify(after) === JSON.stringify(incidents), `incidents differ after reload:\nbefore ${incidents.join(', ')}\nafter  ${after.join(', ')}`);
    expect(JSON.stringify(pendingAfter) === JSON.stringify(pending), `pending approvals differ after reload:\nbefore ${pending.join(', ')}\nafter  ${pendingAfter.join(', ')}`);
    expect(!pendingAfter.includes(approvedLabel), `the approved action "${approvedLabel}" is pending again after reload`);
    // The dashboard was open (Show trace): its serializer restores it, with content and the same selection.
    const dash = new DashboardView(page);
    await dash.tab().waitFor({ timeout: 15_000 });
    const rows = await dash.waitForContent(30_000);
    await dash.waitForTraceOf(traceIncident, 15_000);
    await wb.screenshot('reloaded');
    return `${after.length} incidents and ${pendingAfter.length} pending approvals restored; dashboard restored with ${rows} incidents, ${traceIncident} selected`;
  });

  await steps.run('COSMOS: Verify Audit Log → checksums and hash chain intact', async () => {
    await wb.dismissNotifications();
    await wb.runCommand('COSMOS: Verify Audit Log');
    const note = wb.notification(/audit log verified — \d+ entries/);
    await note.first().waitFor({ timeout: 15_000 });
    await wb.screenshot('audit-verified');
    return (await note.first().innerText()).trim();
  });

  await steps.run('COSMOS: Stop Agent → status stopped, COSMOS diagnostics cleared', async () => {
    await wb.runCommand('COSMOS: Stop Agent');
    await wb.statusItem('COSMOS: stopped').waitFor({ timeout: 15_000 });
    const rows = await wb.problems();
    await eventually('no COSMOS problem left', async () => (await rows.filter({ hasText: /COSMOS/ }).count()) === 0);
    await wb.screenshot('stopped');
  });

  await steps.run('the workspace\'s own settings could not redirect the LLM or webhooks', async () => {
    expect(ctx.evil.requests.length === 0, `the server named in .vscode/settings.json received ${ctx.evil.requests.join(', ')}`);
    return `0 requests to the workspace-named host; ${ctx.llm.requests.length} to the user-configured LLM host (${[...new Set(ctx.llm.requests)].join(', ') || 'none'})`;
  });

  expect(existsSync(ctx.workspace), 'workspace vanished');
}

/** "INC-3" from a tree row's text (label and description run together in innerText). */
function incidentIds(rows: readonly string[]): string[] {
  return rows.map((r) => /INC-\d+/.exec(r)?.[0]).filter((id): id is string => id !== undefined);
}

/** "Draft support reply — INC-1" from an Approvals row (without the description, which counts down). */
function approvalLabels(rows: readonly string[]): string[] {
  return rows.map((r) => /^\s*(.*? — INC-\d+)/.exec(r)?.[1]).filter((l): l is string => l !== undefined);
}
