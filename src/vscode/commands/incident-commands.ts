import * as vscode from 'vscode';
import type { Outcome } from '../../core/loop/agent-api';
import type { EvidenceRef, Incident } from '../../core/report/schema';
import { ApprovalFlow } from '../approvals/approval-flow';
import { UserFacingError } from '../agent/agent-session';
import type { ApprovalNode } from '../views/approvals-tree';
import { incidentDescription, causeOf } from '../views/incident-labels';
import type { IncidentNode } from '../views/incidents-tree';
import { registerCommand, type CommandDeps } from './command-deps';

/** Show Incident Trace, Open Dashboard, Open Evidence Record, Record Outcome, incident grouping. */
export function registerIncidentCommands(deps: CommandDeps): vscode.Disposable[] {
  const { session } = deps;

  const openDashboard = (incidentId?: string) => {
    const dashboard = deps.dashboard();
    if (!dashboard) throw new UserFacingError('the dashboard could not be loaded (see "COSMOS: Show Log").');
    dashboard.open(incidentId);
  };

  const pickIncident = async (title: string, filter: (i: Incident) => boolean = () => true) => {
    const incidents = session.snapshot().incidents.filter(filter);
    if (incidents.length === 0) {
      throw new UserFacingError(session.running ? 'there is no incident yet.' : 'the agent is not running. Run "COSMOS: Start Agent" first.');
    }
    const picked = await vscode.window.showQuickPick(
      incidents.map((i) => ({ label: `${i.id} ${causeOf(i)}`, description: incidentDescription(i), detail: i.title, id: i.id })),
      { title, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.id;
  };

  return [
    registerCommand(deps, 'cosmos.showIncidentTrace', async (arg) => {
      const id = incidentIdOf(arg) ?? (await pickIncident('Show the trace of which incident?'));
      if (id) openDashboard(id);
    }),
    registerCommand(deps, 'cosmos.openDashboard', () => openDashboard()),
    registerCommand(deps, 'cosmos.openEvidence', async (ref) => {
      if (!isEvidenceRef(ref)) throw new UserFacingError('no evidence record given.');
      await deps.locator.open(ref);
    }),
    registerCommand(deps, 'cosmos.recordOutcome', async (arg) => {
      const agent = session.requireAgent();
      const id = incidentIdOf(arg) ?? (await pickIncident('Record the outcome of which incident?'));
      if (!id) return;
      const outcomes: { label: string; detail: string; outcome: Outcome }[] = [
        { label: '$(pass) Resolved', detail: 'The diagnosis was right and the problem is fixed.', outcome: 'resolved' },
        { label: '$(circle-slash) False positive', detail: 'There was no real problem.', outcome: 'false_positive' },
        { label: '$(error) Wrong cause', detail: 'There was a problem, but the diagnosed cause was wrong.', outcome: 'wrong_cause' },
      ];
      const picked = await vscode.window.showQuickPick(outcomes, {
        title: `Outcome of ${id} — teaches the rule calibration`,
      });
      if (!picked) return;
      await agent.recordOutcome(id, picked.outcome, ApprovalFlow.actor());
      void vscode.window.showInformationMessage(`COSMOS: recorded ${picked.outcome.replace('_', ' ')} for ${id}.`);
    }),
    registerCommand(deps, 'cosmos.groupIncidentsBySeverity', () =>
      vscode.workspace.getConfiguration('cosmos').update('incidents.groupBy', 'severity', vscode.ConfigurationTarget.Global),
    ),
    registerCommand(deps, 'cosmos.groupIncidentsByStatus', () =>
      vscode.workspace.getConfiguration('cosmos').update('incidents.groupBy', 'status', vscode.ConfigurationTarget.Global),
    ),
  ];
}

function incidentIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'kind' in arg) {
    const node = arg as IncidentNode | ApprovalNode;
    if (node.kind === 'approval') return node.approval.incidentId;
    if (node.kind !== 'group') return node.incident.id;
  }
  return undefined;
}

function isEvidenceRef(value: unknown): value is EvidenceRef {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<EvidenceRef>;
  return typeof v.file === 'string' && typeof v.line === 'number';
}
