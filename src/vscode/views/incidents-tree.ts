import * as vscode from 'vscode';
import type { ActionReport, EvidenceRef, Hypothesis, Incident } from '../../core/report/schema';
import type { Approval } from '../../core/report/schema';
import type { AgentSession } from '../agent/agent-session';
import { actionName, capitalise } from '../approvals/describe-action';
import {
  ACTION_STATUS_LABEL,
  SCOPE_LABEL,
  causeOf,
  confidenceText,
  hypothesisSource,
  incidentDescription,
  merchantsText,
  severityOf,
  type Severity,
} from './incident-labels';

type GroupKey = 'open' | 'quiet' | 'resolved' | Severity;

export type IncidentNode =
  | { readonly kind: 'group'; readonly key: GroupKey; readonly incidents: readonly Incident[] }
  | { readonly kind: 'incident'; readonly incident: Incident }
  | { readonly kind: 'section'; readonly section: 'hypotheses' | 'evidence' | 'actions'; readonly incident: Incident }
  | { readonly kind: 'hypothesis'; readonly incident: Incident; readonly hypothesis: Hypothesis; readonly rank: number }
  | { readonly kind: 'evidence'; readonly incident: Incident; readonly ref: EvidenceRef }
  | { readonly kind: 'action'; readonly incident: Incident; readonly action: ActionReport; readonly approval?: Approval };

const GROUP_LABEL: Record<GroupKey, string> = {
  open: 'Open',
  quiet: 'Quiet',
  resolved: 'Resolved',
  critical: 'Critical — platform-wide',
  high: 'High — multi-merchant',
  moderate: 'Moderate — single merchant',
};

const GROUP_ICON: Record<GroupKey, vscode.ThemeIcon> = {
  open: new vscode.ThemeIcon('flame', new vscode.ThemeColor('charts.red')),
  quiet: new vscode.ThemeIcon('bell-slash', new vscode.ThemeColor('charts.yellow')),
  resolved: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  critical: new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red')),
  high: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange')),
  moderate: new vscode.ThemeIcon('info', new vscode.ThemeColor('charts.yellow')),
};

const REFRESH_COALESCE_MS = 40;

/**
 * Incidents grouped by status or by severity; each incident expands into its hypotheses (with the rule or
 * model that produced them), its evidence records (which open the data file at the exact line) and its
 * proposed actions with their status. A pure mapping from the session snapshot: no I/O in here.
 */
export class IncidentsTreeProvider implements vscode.TreeDataProvider<IncidentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<IncidentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly session: AgentSession) {
    this.subscription = vscode.Disposable.from(
      session.onDidChangeSnapshot(() => this.scheduleRefresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cosmos.incidents.groupBy')) this.scheduleRefresh();
      }),
    );
  }

  /**
   * A burst of loop changes (a first read, LLM answers) becomes one tree refresh: refreshing the whole tree many
   * times while the view is still fetching the children of an expanded group can leave that group drawn empty.
   */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire(undefined);
    }, REFRESH_COALESCE_MS);
  }

  getChildren(node?: IncidentNode): IncidentNode[] {
    if (!node) return this.groups();
    switch (node.kind) {
      case 'group':
        return node.incidents.map((incident) => ({ kind: 'incident', incident }));
      case 'incident': {
        const sections: IncidentNode[] = [];
        if (node.incident.hypotheses?.length) sections.push({ kind: 'section', section: 'hypotheses', incident: node.incident });
        if (node.incident.evidence.length) sections.push({ kind: 'section', section: 'evidence', incident: node.incident });
        if (node.incident.decision?.actions.length) sections.push({ kind: 'section', section: 'actions', incident: node.incident });
        return sections;
      }
      case 'section':
        return this.sectionChildren(node.incident, node.section);
      default:
        return [];
    }
  }

  getTreeItem(node: IncidentNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(GROUP_LABEL[node.key], vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.key}`;
        item.description = `${node.incidents.length}`;
        item.iconPath = GROUP_ICON[node.key];
        item.contextValue = `group+${node.key}`;
        return item;
      }
      case 'incident':
        return incidentItem(node.incident, this.session);
      case 'section':
        return sectionItem(node.incident, node.section);
      case 'hypothesis':
        return hypothesisItem(node.incident, node.hypothesis, node.rank);
      case 'evidence':
        return evidenceItem(node.incident, node.ref);
      case 'action':
        return actionItem(node.incident, node.action, node.approval);
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.subscription.dispose();
    this.changed.dispose();
  }

  private groups(): IncidentNode[] {
    const incidents = [...this.session.snapshot().incidents].sort(byUrgency);
    const by = vscode.workspace.getConfiguration('cosmos').get<'status' | 'severity'>('incidents.groupBy', 'status');
    const keys: GroupKey[] = by === 'severity' ? ['critical', 'high', 'moderate', 'resolved'] : ['open', 'quiet', 'resolved'];
    const keyOf = (i: Incident): GroupKey => (by === 'severity' && i.status !== 'resolved' ? severityOf(i) : i.status);
    return keys
      .map((key) => ({ kind: 'group' as const, key, incidents: incidents.filter((i) => keyOf(i) === key) }))
      .filter((g) => g.incidents.length > 0);
  }

  private sectionChildren(incident: Incident, section: 'hypotheses' | 'evidence' | 'actions'): IncidentNode[] {
    if (section === 'hypotheses') {
      return [...(incident.hypotheses ?? [])]
        .sort((a, b) => b.confidence - a.confidence)
        .map((hypothesis, rank) => ({ kind: 'hypothesis', incident, hypothesis, rank }));
    }
    if (section === 'evidence') {
      return incident.evidence.map((ref) => ({ kind: 'evidence', incident, ref }));
    }
    const approvals = this.session.snapshot().approvals;
    return (incident.decision?.actions ?? []).map((action) => ({
      kind: 'action',
      incident,
      action,
      approval: approvals.find((a) => a.id === action.approvalId || (a.actionId === action.id && a.incidentId === incident.id)),
    }));
  }
}

function byUrgency(a: Incident, b: Incident): number {
  const rank = { platform: 0, multi_merchant: 1, merchant: 2 } as const;
  return rank[a.scope] - rank[b.scope] || b.lastSeen - a.lastSeen;
}

function incidentItem(incident: Incident, session: AgentSession): vscode.TreeItem {
  const item = new vscode.TreeItem(`${incident.id} ${causeOf(incident)}`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `incident:${incident.id}`;
  item.description = incidentDescription(incident);
  const pending = session.pendingApprovals().filter((a) => a.incidentId === incident.id).length;
  item.iconPath =
    incident.status === 'resolved'
      ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green'))
      : incident.status === 'quiet'
        ? new vscode.ThemeIcon('bell-slash')
        : pending > 0
          ? new vscode.ThemeIcon('bell-dot', new vscode.ThemeColor('charts.orange'))
          : new vscode.ThemeIcon('flame', new vscode.ThemeColor(incident.scope === 'merchant' ? 'charts.yellow' : 'charts.red'));
  item.contextValue = `incident+${incident.status}${pending > 0 ? '+hasPending' : ''}`;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${incident.id}** `).appendText(incident.title).appendMarkdown('\n\n');
  md.appendText(`Cause: ${causeOf(incident)} (confidence ${confidenceText(incident.confidence)}, ${incident.reasoningMode ?? 'not reasoned yet'})\n`);
  md.appendText(`Scope: ${SCOPE_LABEL[incident.scope]} — ${merchantsText(incident.merchants, 10)}\n`);
  md.appendText(`Observation confidence: ${incident.observationConfidence.value.toFixed(2)}\n`);
  md.appendText(`${incident.features.eventCount} events, ${incident.features.ticketCount} tickets, status ${incident.status}`);
  if (incident.decision) md.appendMarkdown('\n\n').appendText(incident.decision.summary);
  item.tooltip = md;
  return item;
}

function sectionItem(incident: Incident, section: 'hypotheses' | 'evidence' | 'actions'): vscode.TreeItem {
  const count =
    section === 'hypotheses' ? (incident.hypotheses?.length ?? 0) : section === 'evidence' ? incident.evidence.length : (incident.decision?.actions.length ?? 0);
  const label = section === 'hypotheses' ? 'Hypotheses' : section === 'evidence' ? 'Evidence' : 'Actions';
  const item = new vscode.TreeItem(label, section === 'evidence' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
  item.id = `incident:${incident.id}:${section}`;
  item.description = `${count}`;
  item.iconPath = new vscode.ThemeIcon(section === 'hypotheses' ? 'lightbulb' : section === 'evidence' ? 'references' : 'run-all');
  item.contextValue = `section+${section}`;
  return item;
}

function hypothesisItem(incident: Incident, h: Hypothesis, rank: number): vscode.TreeItem {
  const item = new vscode.TreeItem(`${h.cause} ${h.confidence.toFixed(2)}`, vscode.TreeItemCollapsibleState.None);
  item.id = `incident:${incident.id}:hypothesis:${rank}:${h.cause}:${h.source.kind}`;
  item.description = hypothesisSource(h) + (h.calibration ? ` · calibrated from ${h.calibration.raw.toFixed(2)}` : '');
  item.iconPath = new vscode.ThemeIcon(h.source.kind === 'llm' ? 'sparkle' : 'law', rank === 0 ? new vscode.ThemeColor('charts.blue') : undefined);
  const md = new vscode.MarkdownString();
  md.appendText(h.explanation);
  if (h.calibration) md.appendMarkdown('\n\n').appendText(h.calibration.detail);
  item.tooltip = md;
  item.contextValue = `hypothesis+${h.source.kind}`;
  return item;
}

function evidenceItem(incident: Incident, ref: EvidenceRef): vscode.TreeItem {
  const file = ref.file.split(/[\\/]/).pop() ?? ref.file;
  const item = new vscode.TreeItem(`${file}:${ref.line}`, vscode.TreeItemCollapsibleState.None);
  item.id = `incident:${incident.id}:evidence:${ref.file}:${ref.line}:${ref.recordId}`;
  item.description = `${ref.code} · ${ref.merchantId} · ${new Date(ref.timestamp).toISOString().replace('T', ' ').slice(0, 19)}`;
  item.iconPath = new vscode.ThemeIcon(ref.kind === 'ticket' ? 'comment' : 'pulse');
  item.tooltip = `${ref.kind} ${ref.recordId} — ${ref.file}, line ${ref.line}`;
  item.contextValue = `evidence+${ref.kind}`;
  item.command = { command: 'cosmos.openEvidence', title: 'Open Evidence Record', arguments: [ref] };
  return item;
}

function actionItem(incident: Incident, action: ActionReport, approval: Approval | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(capitalise(actionName(action.type)), vscode.TreeItemCollapsibleState.None);
  item.id = `incident:${incident.id}:action:${action.id}`;
  const status = approval && approval.status !== 'pending' ? approval.status.replace('_', ' ') : ACTION_STATUS_LABEL[action.status];
  item.description = `${status} · ${action.risk} risk`;
  const pending = approval?.status === 'pending';
  item.iconPath =
    action.status === 'executed' || approval?.status === 'done'
      ? new vscode.ThemeIcon('check', new vscode.ThemeColor('charts.green'))
      : action.status === 'blocked' || action.status === 'failed' || approval?.status === 'failed'
        ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.red'))
        : pending
          ? new vscode.ThemeIcon('question', new vscode.ThemeColor('charts.orange'))
          : new vscode.ThemeIcon('circle-outline');
  const md = new vscode.MarkdownString();
  md.appendText(action.reason);
  for (const gate of action.gates) md.appendMarkdown('\n\n').appendText(`${gate.passed ? '✓' : '✗'} ${gate.name}: ${gate.detail}`);
  if (action.result) md.appendMarkdown('\n\n').appendText(`Result: ${action.result}`);
  if (action.error) md.appendMarkdown('\n\n').appendText(`Error: ${action.error}`);
  item.tooltip = md;
  item.contextValue = `action${pending ? '+pending' : ''}+risk-${action.risk}`;
  return item;
}

/** The approval id carried by a tree node, for inline Approve/Reject on action rows. */
export function approvalIdOfNode(node: IncidentNode): string | undefined {
  return node.kind === 'action' ? (node.approval?.id ?? node.action.approvalId) : undefined;
}
