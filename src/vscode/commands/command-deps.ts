import * as vscode from 'vscode';
import type { AgentSession } from '../agent/agent-session';
import { UserFacingError } from '../agent/agent-session';
import type { ApprovalFlow } from '../approvals/approval-flow';
import type { DashboardHook } from '../dashboard-hook';
import type { DataFileLocator } from '../evidence/data-file-locator';

/** What the command modules get from the container. */
export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly session: AgentSession;
  readonly approvals: ApprovalFlow;
  readonly locator: DataFileLocator;
  readonly log: vscode.LogOutputChannel;
  /** The dashboard, once its module has loaded (undefined if it failed to). */
  dashboard(): DashboardHook | undefined;
}

/**
 * Registers a command whose failures reach the user as one clear message (and the log with the stack),
 * instead of an unhandled rejection in the extension host.
 */
export function registerCommand(
  deps: Pick<CommandDeps, 'log'>,
  id: string,
  run: (...args: unknown[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof UserFacingError) {
        void vscode.window.showWarningMessage(`COSMOS: ${message}`);
      } else {
        deps.log.error(`${id} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
        void vscode.window.showErrorMessage(`COSMOS: ${message}`, 'Show Log').then((pick) => {
          if (pick) deps.log.show(true);
        });
      }
      return undefined;
    }
  });
}
