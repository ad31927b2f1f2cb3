import * as vscode from 'vscode';
import type { AgentSession } from '../agent/agent-session';

/**
 * "COSMOS: 3 incidents · 1 approval" while running, "COSMOS: stopped" otherwise; LLM health and Restricted
 * Mode in the tooltip and icon. Clicking opens the Incidents view.
 */
export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cosmos.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly session: AgentSession) {
    this.item.name = 'COSMOS';
    this.item.command = { command: 'cosmos.incidents.focus', title: 'Show COSMOS Incidents' };
    this.subscription = vscode.Disposable.from(
      session.onDidChangeSnapshot(() => this.render()),
      session.onDidChangeAgent(() => this.render()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.render()),
    );
    this.render();
    this.item.show();
  }

  render(): void {
    const status = this.session.snapshot().status ?? this.session.agent?.status();
    const trusted = vscode.workspace.isTrusted;
    const tip = new vscode.MarkdownString();
    if (!this.session.running || !status) {
      this.item.text = `$(circle-slash) COSMOS: stopped`;
      this.item.backgroundColor = undefined;
      tip.appendMarkdown('**COSMOS agent stopped.** Run *COSMOS: Start Agent* to watch this workspace.');
    } else {
      const icon = !trusted ? '$(shield)' : status.paused ? '$(debug-pause)' : '$(pulse)';
      const parts = [`${status.openIncidents} incident${status.openIncidents === 1 ? '' : 's'}`];
      if (status.pendingApprovals > 0) parts.push(`${status.pendingApprovals} approval${status.pendingApprovals === 1 ? '' : 's'}`);
      this.item.text = `${icon} COSMOS: ${parts.join(' · ')}`;
      this.item.backgroundColor =
        status.pendingApprovals > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      tip.appendMarkdown(`**COSMOS agent ${status.paused ? 'running, automation paused' : 'running'}**\n\n`);
      tip.appendText(`${status.openIncidents} open incident(s), ${status.pendingApprovals} pending approval(s)\n`);
      tip.appendText(`LLM: ${status.llm.ok ? '✓' : '✗'} ${status.llm.status}`);
      if (!status.llm.ok && status.llm.fix) tip.appendText(` — ${status.llm.fix}`);
    }
    if (!trusted) {
      tip.appendMarkdown('\n\n').appendText('Restricted Mode: observing and reasoning only — no action, no post, no LLM call.');
    }
    this.item.tooltip = tip;
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]+\)\s*/g, '') };
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
