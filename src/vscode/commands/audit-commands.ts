import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import * as path from 'node:path';
import { registerCommand, type CommandDeps } from './command-deps';
import { UserFacingError } from '../agent/agent-session';
import { loadNodeRuntime } from '../agent/load-node-runtime';

/**
 * Verify Audit Log (checksums and hash chain of the journal in workspace storage) and Export Audit Log
 * (a verified copy, wherever the user saves it). Both read the file directly, read-only, so they work with the
 * agent running or stopped.
 */
export function registerAuditCommands(deps: CommandDeps): vscode.Disposable[] {
  const stateDir = () => (deps.context.storageUri ?? deps.context.globalStorageUri).fsPath;

  return [
    registerCommand(deps, 'cosmos.verifyAuditLog', async () => {
      const file = await findJournal(stateDir());
      const result = await verify(file);
      deps.log.info(`Audit log ${file}: ${JSON.stringify(result)}`);
      if (result.ok) {
        void vscode.window.showInformationMessage(
          `COSMOS: audit log verified — ${result.entries} entries, checksums and hash chain intact${result.tornTailDropped ? ' (a torn last line from a crash was dropped)' : ''}.`,
        );
      } else {
        void vscode.window.showErrorMessage(`COSMOS: audit log does NOT verify — ${result.problem ?? 'unknown problem'} (${file}).`);
      }
    }),
    registerCommand(deps, 'cosmos.exportAuditLog', async () => {
      const file = await findJournal(stateDir());
      const result = await verify(file);
      if (!result.ok) {
        const anyway = 'Export Anyway';
        const pick = await vscode.window.showWarningMessage(
          `The audit log does not verify: ${result.problem ?? 'unknown problem'}. Export it anyway (for investigation)?`,
          { modal: true },
          anyway,
        );
        if (pick !== anyway) return;
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      const target = await vscode.window.showSaveDialog({
        title: 'Export the COSMOS audit log',
        defaultUri: folder ? vscode.Uri.joinPath(folder, `cosmos-audit-${stamp}.jsonl`) : undefined,
        filters: { 'JSON lines': ['jsonl'] },
      });
      if (!target) return;
      await copyFile(file, target.fsPath);
      deps.log.info(`Audit log exported to ${target.fsPath} (${result.entries} entries, verified: ${result.ok}).`);
      void vscode.window.showInformationMessage(`COSMOS: audit log exported (${result.entries} entries) to ${target.fsPath}.`);
    }),
  ];
}

/** The journal file in the state folder, named by the Node composition root. */
async function findJournal(stateDir: string): Promise<string> {
  const { JOURNAL_FILE } = await loadNodeRuntime();
  const file = path.join(stateDir, JOURNAL_FILE);
  if (!existsSync(file)) throw new UserFacingError('there is no audit log yet: start the agent once in this workspace.');
  return file;
}

async function verify(file: string) {
  const { FileJournal } = await loadNodeRuntime();
  const journal = await FileJournal.open(file, { readOnly: true });
  try {
    return await journal.verify();
  } finally {
    await journal.close();
  }
}
