import type * as vscode from 'vscode';
import type { ApprovalNode } from '../views/approvals-tree';
import { approvalIdOfNode, type IncidentNode } from '../views/incidents-tree';
import { refuseInRestrictedMode } from '../trust/restricted-mode';
import { registerCommand, type CommandDeps } from './command-deps';

/**
 * Approve / Reject Action. Called with an approval id (CodeLens, dashboard), a tree node (inline buttons) or
 * nothing (palette: quick pick of the pending approvals).
 */
export function registerApprovalCommands(deps: CommandDeps): vscode.Disposable[] {
  const { approvals } = deps;
  return [
    registerCommand(deps, 'cosmos.approveAction', async (arg) => {
      // Refuse before offering a choice that cannot be honoured (the flow checks again for every other path).
      if (refuseInRestrictedMode('Approving an action')) return;
      const id = approvalIdOf(arg) ?? (await approvals.pick('Approve which action?'))?.id;
      if (id) await approvals.approve(id);
    }),
    registerCommand(deps, 'cosmos.rejectAction', async (arg, reason) => {
      const id = approvalIdOf(arg) ?? (await approvals.pick('Reject which action?'))?.id;
      if (id) await approvals.reject(id, typeof reason === 'string' ? reason : undefined);
    }),
  ];
}

function approvalIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'kind' in arg) {
    const node = arg as ApprovalNode | IncidentNode;
    if (node.kind === 'approval') return node.approval.id;
    return approvalIdOfNode(node);
  }
  return undefined;
}
