import { join } from 'node:path';
import { eventually, expect, Steps } from './lib/steps';
import { Workbench } from './lib/workbench';
import { listFiles, storageText } from './lib/workspace-files';
import type { WalkContext } from './walk-trusted';

/**
 * Restricted Mode (workspace trust on, folder not trusted): the agent observes and reasons — incidents show —
 * but nothing executes, nothing is posted and no LLM is called, even when a command is invoked directly.
 */
export async function walkRestricted(ctx: WalkContext, steps: Steps, wb: Workbench): Promise<void> {
  const { page } = wb;
  const outDir = join(ctx.workspace, '.cosmos', 'out');

  await steps.run('workbench opens the folder in Restricted Mode; COSMOS activates (limited support)', async () => {
    await wb.open(ctx.url);
    await wb.statusItem('COSMOS').waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: /Restricted Mode/ }).first().waitFor({ timeout: 10_000 });
    await wb.screenshot('restricted-activated');
  });

  await steps.run('Start Agent: incidents appear, the UI says why nothing will run', async () => {
    await wb.runCommand('COSMOS: Start Agent');
    await wb.notification(/Restricted Mode/).first().waitFor({ timeout: 20_000 });
    await wb.openViewContainer('COSMOS');
    await wb.widenSideBar();
    await wb.paneRow('Incidents', /INC-\d+/).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('restricted-incidents');
  });

  await steps.run('Approve Action and Check LLM Connection are refused with an explanation', async () => {
    await wb.dismissNotifications();
    await wb.runCommand('COSMOS: Approve Action');
    await wb.notification(/Approving an action is disabled in Restricted Mode/).first().waitFor({ timeout: 10_000 });
    await wb.screenshot('restricted-approve-refused');
    await wb.dismissNotifications();
    await wb.runCommand('COSMOS: Check LLM Connection');
    await wb.notification(/disabled in Restricted Mode/).first().waitFor({ timeout: 10_000 });
  });

  await steps.run('0 actions executed, 0 LLM calls, 0 posts', async () => {
    // Give the loop time to do anything it would do (a decision cycle, an LLM escalation).
    await new Promise((r) => setTimeout(r, 4000));
    const written = listFiles(outDir);
    expect(written.length === 0, `files were written in Restricted Mode: ${written.join(', ')}`);
    expect(ctx.llm.requests.length === 0, `the LLM host was called in Restricted Mode: ${ctx.llm.requests.join(', ')}`);
    expect(ctx.evil.requests.length === 0, `the workspace-named host was called: ${ctx.evil.requests.join(', ')}`);
    const journal = await eventually('the journal to exist', () => storageText(ctx.server.userData));
    const executed = journal.split('\n').filter((l) => /"status":"(executed|done|executing)"/.test(l));
    expect(executed.length === 0, `the journal records executions in Restricted Mode:\n${executed.slice(0, 3).join('\n')}`);
    await wb.screenshot('restricted-nothing-ran');
    return `out folder empty, LLM host 0 requests, workspace-named host 0 requests, journal ${journal.split('\n').length} lines with no execution`;
  });
}
