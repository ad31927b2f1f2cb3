import * as vscode from 'vscode';
import type { AgentApi } from '../../core/loop/agent-api';
import type { Approval } from '../../core/report/schema';
import { createDashboardFeed, type DashboardFeed } from '../../server/dashboard-feed';
import { DASHBOARD_VIEW_TYPE, type HostToView } from '../../shared/dashboard-protocol';
import { actionLabel, formatParams, RISK_BADGES } from '../../shared/dashboard-view-model';
import type { CreateDashboard, DashboardHook, DashboardHost } from '../dashboard-hook';
import { handleViewMessage } from './dashboard-messages';
import { makeNonce, renderWebviewHtml } from './dashboard-html';

/**
 * The dashboard as a VS Code webview panel: one panel at a time, restored after a window reload by a
 * WebviewPanelSerializer (activation event `onWebviewPanel:cosmos.dashboard`). The webview persists its own UI
 * state with getState/setState, so the panel does not need `retainContextWhenHidden`: when it is shown again the
 * page reloads, says `ready`, and gets a fresh state.
 */
export const createDashboard: CreateDashboard = (host) => new DashboardController(host);

class DashboardController implements DashboardHook {
  private session: PanelSession | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly host: DashboardHost) {
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
          this.attach(panel);
        },
      }),
      host.onDidChangeAgent((agent) => this.session?.setAgent(agent)),
    );
  }

  open(incidentId?: string): void {
    if (this.session) {
      this.session.panel.reveal(undefined, false);
    } else {
      const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'COSMOS Dashboard', vscode.ViewColumn.Active, {
        ...webviewOptions(this.host.extensionUri),
        enableFindWidget: true,
        retainContextWhenHidden: false,
      });
      this.attach(panel);
    }
    if (incidentId) this.session?.reveal(incidentId);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.session?.panel.dispose();
    const session = new PanelSession(panel, this.host);
    this.session = session;
    panel.onDidDispose(() => {
      session.dispose();
      if (this.session === session) this.session = undefined;
    });
  }

  dispose(): void {
    this.session?.panel.dispose();
    this.session = undefined;
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

class PanelSession {
  private ready = false;
  private feed: DashboardFeed | undefined;
  private feedSub: vscode.Disposable | undefined;
  private pendingReveal: string | undefined;
  private selectedId: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: DashboardHost,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(host.extensionUri);
    const nonce = makeNonce();
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview', 'dashboard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(host.extensionUri, 'media', 'dashboard.css')).toString(),
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        handleViewMessage(raw, {
          post: (m) => this.post(m),
          agent: () => host.agent(),
          feed: () => this.feed,
          ready: () => this.onReady(),
          selected: (id) => (this.selectedId = id),
          selectedId: () => this.selectedId,
          confirm: (a) => confirmApproval(a),
          approve: (id) => host.approve(id),
          reject: (id) => host.reject(id),
          openEvidence: (ref) => host.openEvidence(ref),
          isTrusted: () => host.isTrusted(),
          warn: (message) => host.log.warn(message),
        }).catch((err: unknown) => host.log.error(`dashboard: ${err instanceof Error ? err.message : String(err)}`));
      }),
    );
    this.setAgent(host.agent());
  }

  setAgent(agent: AgentApi | undefined): void {
    this.feedSub?.dispose();
    this.feed?.dispose();
    this.feed = agent ? createDashboardFeed(agent) : undefined;
    this.feedSub = this.feed ? toVsDisposable(this.feed.onPatch((patch) => this.post({ type: 'patch', patch }))) : undefined;
    if (this.ready) this.postState();
  }

  reveal(incidentId: string): void {
    if (this.ready) this.post({ type: 'reveal', incidentId });
    else this.pendingReveal = incidentId;
  }

  private onReady(): void {
    // A reload of the page (shown again, theme change) says ready again: every ready gets a full state.
    this.ready = true;
    this.postState();
    if (this.pendingReveal) {
      this.post({ type: 'reveal', incidentId: this.pendingReveal });
      this.pendingReveal = undefined;
    }
  }

  private postState(): void {
    if (!this.feed) {
      this.post({ type: 'offline', message: 'The COSMOS agent is not running. Start it with “COSMOS: Start Agent”.' });
      return;
    }
    this.post({ type: 'state', state: this.feed.snapshot() });
  }

  private post(message: HostToView): void {
    if (!this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.feedSub?.dispose();
    this.feed?.dispose();
    this.feed = undefined;
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}

function toVsDisposable(d: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => d.dispose());
}

/** Native confirmation for an approval requested from the webview, showing exactly what will run. */
async function confirmApproval(a: Approval): Promise<boolean> {
  const run = 'Approve';
  const pick = await vscode.window.showWarningMessage(
    `Approve “${actionLabel(a.type)}” (${RISK_BADGES[a.risk].label.toLowerCase()}) for ${a.incidentId}?`,
    { modal: true, detail: `Requested from the dashboard.\n\n${a.reason}\n\nParameters:\n${formatParams(a.params)}` },
    run,
  );
  return pick === run;
}
