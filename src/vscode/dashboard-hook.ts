import type * as vscode from 'vscode';
import type { AgentApi } from '../core/loop/agent-api';
import type { EvidenceRef } from '../core/report/schema';

/**
 * The seam between the extension's container (src/vscode/container.ts) and the dashboard webview
 * (src/vscode/dashboard/dashboard-panel.ts, owned by the dashboard issue).
 *
 * The dashboard module exports
 *
 *     export const createDashboard: CreateDashboard;
 *
 * The container calls it once during activation (so a `WebviewPanelSerializer` for the view type
 * `cosmos.dashboard` can be registered in time to restore a panel after a window reload — the
 * `onWebviewPanel:cosmos.dashboard` activation event is contributed for that), keeps the returned hook
 * and disposes it on deactivate. `createDashboard` must stay cheap: no panel, no file I/O until `open()`.
 */
export interface DashboardHook extends vscode.Disposable {
  /** Reveals (or creates) the dashboard; with an id, selects that incident's trace. */
  open(incidentId?: string): void;
}

/** What the container gives the dashboard. The dashboard never starts, stops or executes anything itself. */
export interface DashboardHost {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** The running agent, or `undefined` while stopped. Read it on demand: it changes on start/stop/restart. */
  agent(): AgentApi | undefined;
  /** Fires after the agent was started, stopped or restarted (e.g. on a settings change). */
  readonly onDidChangeAgent: vscode.Event<AgentApi | undefined>;
  /**
   * Approves through the same path as the tree, the palette and the CodeLens: refuses in Restricted
   * Mode, asks a native modal confirmation showing exactly what will run for high-risk actions (so a
   * webview bug cannot forge one), reports the result to the user. Resolves once settled.
   */
  approve(approvalId: string): Promise<void>;
  /** Asks the user for a reason (native input box), then rejects through the same path as the tree. */
  reject(approvalId: string): Promise<void>;
  /** Opens the evidence record's file at its exact line and column. */
  openEvidence(ref: EvidenceRef): Promise<void>;
  /** False in Restricted Mode: approval buttons should say why they are disabled. */
  isTrusted(): boolean;
}

export type CreateDashboard = (host: DashboardHost) => DashboardHook;
