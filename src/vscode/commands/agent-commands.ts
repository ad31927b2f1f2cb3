import * as vscode from 'vscode';
import { ApprovalFlow } from '../approvals/approval-flow';
import { registerCommand, type CommandDeps } from './command-deps';

/** Start / Stop Agent, Pause / Resume Automation, Show Log. */
export function registerAgentCommands(deps: CommandDeps): vscode.Disposable[] {
  const { session } = deps;
  return [
    registerCommand(deps, 'cosmos.startAgent', async () => {
      if (session.running) {
        void vscode.window.showInformationMessage('COSMOS: the agent is already running.');
        return;
      }
      await vscode.window.withProgress(
        { location: { viewId: 'cosmos.incidents' }, title: 'Starting the COSMOS agent' },
        () => session.start('user'),
      );
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(
          'COSMOS is running in Restricted Mode: it observes and reasons, but executes no action, posts nothing and calls no LLM.',
        );
      }
    }),
    registerCommand(deps, 'cosmos.stopAgent', async () => {
      await session.stop('user');
    }),
    registerCommand(deps, 'cosmos.pauseAutomation', async () => {
      await session.setPaused(true, ApprovalFlow.actor());
      void vscode.window.showInformationMessage('COSMOS: automation paused. The agent keeps observing; nothing runs by itself.');
    }),
    registerCommand(deps, 'cosmos.resumeAutomation', async () => {
      await session.setPaused(false, ApprovalFlow.actor());
      void vscode.window.showInformationMessage('COSMOS: automation resumed.');
    }),
    registerCommand(deps, 'cosmos.showOutput', () => deps.log.show()),
  ];
}
