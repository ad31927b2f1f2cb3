import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { registerCommand, type CommandDeps } from './command-deps';
import { loadNodeRuntime } from '../agent/load-node-runtime';

/**
 * Generate Sample Data: a scenario quick pick, then the deterministic generator writes events and tickets
 * into `<workspace folder>/data/` — a folder the default source globs watch, so a running agent picks them up.
 */
export function registerSampleDataCommand(deps: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(deps, 'cosmos.generateSampleData', async (scenarioArg?: unknown) => {
      const folder = await pickFolder();
      if (!folder) return;
      const { SCENARIO_NAMES, scenarioByName, writeScenario } = await loadNodeRuntime();
      let scenario = typeof scenarioArg === 'string' && (SCENARIO_NAMES as readonly string[]).includes(scenarioArg) ? scenarioArg : undefined;
      if (!scenario) {
        const picked = await vscode.window.showQuickPick(
          SCENARIO_NAMES.map((name) => ({ label: name, detail: scenarioByName(name)?.title ?? '' })),
          { title: 'Generate which scenario?', placeHolder: 'sample_day is a realistic migration day with several incidents' },
        );
        scenario = picked?.label;
      }
      if (!scenario) return;
      const out = path.join(folder.uri.fsPath, 'data');
      if (existsSync(out)) {
        const overwrite = 'Overwrite';
        const pick = await vscode.window.showWarningMessage(
          `${path.relative(folder.uri.fsPath, out) || out} already exists. Generated files replace files with the same names.`,
          { modal: true },
          overwrite,
        );
        if (pick !== overwrite) return;
      }
      const written = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `COSMOS: generating ${scenario}…` },
        // NDJSON so that appending to the files later (a live feed) is the natural next step.
        () => writeScenario(out, { scenario: scenario as (typeof SCENARIO_NAMES)[number], seed: 1, format: 'ndjson' }),
      );
      deps.log.info(`Sample data (${scenario}) written: ${written.files.events}, ${written.files.tickets}, ${written.files.expected}`);
      const start = 'Start Agent';
      const actions = deps.session.running ? [] : [start];
      const pick = await vscode.window.showInformationMessage(`COSMOS: sample scenario "${scenario}" written to ${out}.`, ...actions);
      if (pick === start) await vscode.commands.executeCommand('cosmos.startAgent');
    }),
  ];
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('COSMOS: open a folder first; sample data is written into it.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Write the sample data into which folder?' });
}
