import * as vscode from 'vscode';
import type { Approval, Risk } from '../../core/report/schema';
import type { AgentSession } from '../agent/agent-session';
import { RISK_LABEL, actionName, capitalise, expiresIn } from '../approvals/describe-action';

export type ApprovalNode = { readonly kind: 'approval'; readonly approval: Approval };

const RISK_ICON: Record<Risk, vscode.ThemeIcon> = {
  low: new vscode.ThemeIcon('shield', new vscode.ThemeColor('charts.green')),
  medium: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange')),
  high: new vscode.ThemeIcon('flame', new vscode.ThemeColor('charts.red')),
};

/**
 * Pending approvals, most urgent first (high risk, then soonest expiry), with inline Approve / Reject driven
 * by `viewItem =~ /\+pending/` in package.json. The view's badge shows the pending count.
 */
export class ApprovalsTreeProvider implements vscode.TreeDataProvider<ApprovalNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ApprovalNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private view: vscode.TreeView<ApprovalNode> | undefined;
  /** The descriptions say "expires in 3 h": refresh them while anything is pending. */
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(private readonly session: AgentSession) {
    this.subscription = session.onDidChangeSnapshot(() => this.refresh());
    this.ticker = setInterval(() => {
      if (this.session.pendingApprovals().length > 0) this.changed.fire(undefined);
    }, 60_000);
  }

  /** The TreeView the provider was registered with, for the badge. */
  attach(view: vscode.TreeView<ApprovalNode>): void {
    this.view = view;
    this.updateBadge();
  }

  getChildren(node?: ApprovalNode): ApprovalNode[] {
    if (node) return [];
    const order: Record<Risk, number> = { high: 0, medium: 1, low: 2 };
    return [...this.session.pendingApprovals()]
      .sort((a, b) => order[a.risk] - order[b.risk] || a.expiresAt - b.expiresAt)
      .map((approval) => ({ kind: 'approval', approval }));
  }

  getTreeItem(node: ApprovalNode): vscode.TreeItem {
    const a = node.approval;
    const item = new vscode.TreeItem(`${capitalise(actionName(a.type))} — ${a.incidentId}`, vscode.TreeItemCollapsibleState.None);
    item.id = `approval:${a.id}`;
    item.description = `${RISK_LABEL[a.risk]} · ${expiresIn(a.expiresAt, Date.now())}`;
    item.iconPath = RISK_ICON[a.risk];
    item.contextValue = `approval+${a.status}+risk-${a.risk}`;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${capitalise(actionName(a.type))}** for **${a.incidentId}** — ${RISK_LABEL[a.risk]}\n\n`);
    md.appendText(a.reason);
    md.appendMarkdown('\n\n');
    md.appendText(`Expires ${new Date(a.expiresAt).toLocaleString()} · approval ${a.id}`);
    item.tooltip = md;
    item.accessibilityInformation = { label: `${actionName(a.type)} for ${a.incidentId}, ${RISK_LABEL[a.risk]}, ${expiresIn(a.expiresAt, Date.now())}` };
    return item;
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.subscription.dispose();
    this.changed.dispose();
  }

  private refresh(): void {
    this.changed.fire(undefined);
    this.updateBadge();
  }

  private updateBadge(): void {
    if (!this.view) return;
    const n = this.session.pendingApprovals().length;
    this.view.badge = n > 0 ? { value: n, tooltip: `${n} action${n === 1 ? '' : 's'} waiting for approval` } : undefined;
  }
}
