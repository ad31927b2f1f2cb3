import * as vscode from 'vscode';
import { userInfo } from 'node:os';
import type { Approval } from '../../core/report/schema';
import type { AgentSession } from '../agent/agent-session';
import { refuseInRestrictedMode } from '../trust/restricted-mode';
import { RISK_LABEL, actionName, capitalise, whatWillRun } from './describe-action';

/**
 * The one approval path of the extension: the Approvals tree, the incident tree, the CodeLens, the palette
 * and the dashboard all come here. It adds only what a person needs (trust check, confirmation, a message);
 * exactly-once execution is the core's guarantee (`AgentApi.approve` journals the transition before the
 * effect), so two surfaces approving at the same moment still run the action once.
 */
export class ApprovalFlow {
  constructor(
    private readonly session: AgentSession,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Who decided, as recorded in the journal. */
  static actor(): string {
    try {
      return `vscode:${userInfo().username}`;
    } catch {
      return 'vscode:user';
    }
  }

  async approve(approvalId: string): Promise<boolean> {
    if (refuseInRestrictedMode('Approving an action')) return false;
    const agent = this.session.requireAgent();
    const approval = this.find(approvalId);
    if (!approval) {
      void vscode.window.showWarningMessage(`COSMOS: approval ${approvalId} is no longer pending.`);
      return false;
    }
    if (approval.risk === 'high') {
      const run = `Approve and run`;
      const pick = await vscode.window.showWarningMessage(
        `Approve a HIGH-RISK action for ${approval.incidentId}: ${actionName(approval.type)}?`,
        { modal: true, detail: whatWillRun(approval) },
        run,
      );
      if (pick !== run) return false;
    }
    const result = await agent.approve(approvalId, ApprovalFlow.actor());
    this.log.info(`Approval ${approvalId} (${approval.type}) → ${result.ok ? 'ok' : 'refused'}: ${result.message}`);
    if (result.ok) void vscode.window.showInformationMessage(`COSMOS: ${result.message}`);
    else void vscode.window.showErrorMessage(`COSMOS: ${result.message}`);
    return result.ok;
  }

  /** Asks for a reason unless one is given; an empty or cancelled reason cancels the rejection. */
  async reject(approvalId: string, reason?: string): Promise<boolean> {
    const agent = this.session.requireAgent();
    const approval = this.find(approvalId);
    if (!approval) {
      void vscode.window.showWarningMessage(`COSMOS: approval ${approvalId} is no longer pending.`);
      return false;
    }
    const why =
      reason ??
      (await vscode.window.showInputBox({
        title: `Reject: ${actionName(approval.type)} for ${approval.incidentId}`,
        prompt: 'Why? The reason is recorded in the audit journal.',
        placeHolder: 'e.g. already handled by the merchant team',
        validateInput: (v) => (v.trim() ? undefined : 'A reason is required.'),
      }));
    if (!why?.trim()) return false;
    const result = await agent.reject(approvalId, ApprovalFlow.actor(), why.trim());
    this.log.info(`Rejection ${approvalId} → ${result.ok ? 'ok' : 'refused'}: ${result.message}`);
    if (result.ok) void vscode.window.showInformationMessage(`COSMOS: ${result.message}`);
    else void vscode.window.showErrorMessage(`COSMOS: ${result.message}`);
    return result.ok;
  }

  /** Quick pick of pending approvals with their risk and reason. */
  async pick(title: string): Promise<Approval | undefined> {
    const pending = this.session.pendingApprovals();
    if (pending.length === 0) {
      void vscode.window.showInformationMessage('COSMOS: no action is waiting for approval.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      pending.map((a) => ({
        label: `${riskCodicon(a)} ${capitalise(actionName(a.type))} — ${a.incidentId}`,
        description: RISK_LABEL[a.risk],
        detail: a.reason,
        approval: a,
      })),
      { title, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.approval;
  }

  private find(approvalId: string): Approval | undefined {
    const agent = this.session.agent;
    return (agent?.approvals({ status: 'pending' }) ?? []).find((a) => a.id === approvalId);
  }
}

function riskCodicon(a: Approval): string {
  return a.risk === 'high' ? '$(error)' : a.risk === 'medium' ? '$(warning)' : '$(info)';
}
