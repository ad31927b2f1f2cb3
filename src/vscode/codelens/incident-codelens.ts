import * as vscode from 'vscode';
import type { AgentSession } from '../agent/agent-session';
import { actionName, capitalise } from '../approvals/describe-action';
import { DataFileLocator } from '../evidence/data-file-locator';
import { causeOf } from '../views/incident-labels';

/**
 * Above the first evidence record of each open incident in a data file:
 * "INC-12 webhook_auth_failure · Approve: draft support reply · Reject · Show trace".
 * Only the incident's own pending approvals get Approve/Reject lenses; they go through the approval flow.
 */
export class IncidentCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly session: AgentSession,
    private readonly locator: DataFileLocator,
  ) {
    this.subscription = session.onDidChangeSnapshot(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.session.running) return [];
    const target = document.uri.toString();
    const pending = this.session.pendingApprovals();
    const lenses: vscode.CodeLens[] = [];
    for (const incident of this.session.snapshot().incidents) {
      if (incident.status === 'resolved') continue;
      const here = incident.evidence.filter((r) => this.locator.uriOf(r.file).toString() === target);
      if (here.length === 0) continue;
      const first = here.reduce((a, b) => (b.line < a.line ? b : a));
      const line = Math.min(DataFileLocator.position(first.line, 1).line, Math.max(0, document.lineCount - 1));
      const range = new vscode.Range(line, 0, line, 0);
      lenses.push(
        new vscode.CodeLens(range, {
          title: `$(flame) ${incident.id} ${causeOf(incident)}`,
          tooltip: incident.title,
          command: 'cosmos.showIncidentTrace',
          arguments: [incident.id],
        }),
      );
      for (const approval of pending.filter((a) => a.incidentId === incident.id)) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `Approve: ${actionName(approval.type)}`,
            tooltip: `${capitalise(actionName(approval.type))} (${approval.risk} risk): ${approval.reason}`,
            command: 'cosmos.approveAction',
            arguments: [approval.id],
          }),
          new vscode.CodeLens(range, {
            title: 'Reject',
            tooltip: `Reject ${actionName(approval.type)} for ${incident.id}`,
            command: 'cosmos.rejectAction',
            arguments: [approval.id],
          }),
        );
      }
      lenses.push(
        new vscode.CodeLens(range, {
          title: 'Show trace',
          command: 'cosmos.showIncidentTrace',
          arguments: [incident.id],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
