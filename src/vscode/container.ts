import * as vscode from 'vscode';
import { AgentSession } from './agent/agent-session';
import { loadNodeAgent, type AgentFactory } from './agent/load-node-agent';
import { ApprovalFlow } from './approvals/approval-flow';
import { IncidentCodeLensProvider } from './codelens/incident-codelens';
import { registerAgentCommands } from './commands/agent-commands';
import { registerApprovalCommands } from './commands/approval-commands';
import { registerAuditCommands } from './commands/audit-commands';
import type { CommandDeps } from './commands/command-deps';
import { registerIncidentCommands } from './commands/incident-commands';
import { registerLlmCommands } from './commands/llm-commands';
import { registerSampleDataCommand } from './commands/sample-data-command';
import { affectsAgent } from './config/settings';
import type { DashboardHook } from './dashboard-hook';
import { loadDashboard } from './dashboard-loader';
import { DiagnosticsPublisher } from './diagnostics/diagnostics-publisher';
import { DataFileLocator } from './evidence/data-file-locator';
import { StatusItem } from './statusbar/status-item';
import { ApprovalsTreeProvider } from './views/approvals-tree';
import { IncidentsTreeProvider } from './views/incidents-tree';

/** The data files the CodeLens provider looks at (any JSON/NDJSON file; it only lenses files with evidence). */
const DATA_FILE_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{json,ndjson,jsonl}' },
];

/**
 * The composition root: builds every service of the extension once, wires them, and disposes all of them
 * (in reverse order) on deactivate. Activation only registers: no file is read and no agent is built until
 * the user starts it (or `cosmos.autoStart` / a running agent before a reload starts it, after activation).
 */
export class Container implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly log: vscode.LogOutputChannel;
  readonly session: AgentSession;
  readonly locator = new DataFileLocator();
  private dashboardHook: DashboardHook | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    factory: AgentFactory = loadNodeAgent,
  ) {
    this.log = this.own(vscode.window.createOutputChannel('COSMOS', { log: true }));
    this.session = this.own(new AgentSession(context, factory, this.log));
  }

  /** Registers every contribution. Returns how long it took (reported in the log; the benchmark reads it). */
  activate(): number {
    const started = performance.now();
    const { session, log, locator } = this;
    const approvals = new ApprovalFlow(session, log);

    const incidents = this.own(new IncidentsTreeProvider(session));
    this.own(vscode.window.createTreeView('cosmos.incidents', { treeDataProvider: incidents, showCollapseAll: true }));
    const approvalsTree = this.own(new ApprovalsTreeProvider(session));
    approvalsTree.attach(this.own(vscode.window.createTreeView('cosmos.approvals', { treeDataProvider: approvalsTree })));

    this.own(new DiagnosticsPublisher(session, locator));
    this.own(vscode.languages.registerCodeLensProvider(DATA_FILE_SELECTOR, this.own(new IncidentCodeLensProvider(session, locator))));
    this.own(new StatusItem(session));

    this.dashboardHook = this.createDashboard(approvals);

    const deps: CommandDeps = {
      context: this.context,
      session,
      approvals,
      locator,
      log,
      dashboard: () => this.dashboardHook,
    };
    for (const register of [
      registerAgentCommands,
      registerApprovalCommands,
      registerIncidentCommands,
      registerSampleDataCommand,
      registerAuditCommands,
      registerLlmCommands,
    ]) {
      this.disposables.push(...register(deps));
    }

    this.own(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsAgent(e)) void this.restart('settings changed');
      }),
    );
    this.own(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        locator.reset();
        void this.restart('workspace folders changed');
      }),
    );
    this.own(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart('the workspace is now trusted')));
    void vscode.commands.executeCommand('setContext', 'cosmos:running', false);

    // Resume what the user had running before a reload (or honour cosmos.autoStart), after activation returns.
    const autoStart = vscode.workspace.getConfiguration('cosmos').get<boolean>('autoStart', false);
    if ((autoStart || session.wasRunning) && vscode.workspace.workspaceFolders?.length) {
      setTimeout(() => void this.startInBackground(autoStart ? 'cosmos.autoStart' : 'it was running before the reload'), 0);
    }

    const ms = performance.now() - started;
    log.info(`COSMOS activated in ${ms.toFixed(1)} ms (registration only; the agent loads when started).`);
    return ms;
  }

  async dispose(): Promise<void> {
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (err) {
        console.error('COSMOS: dispose failed', err);
      }
    }
    this.dashboardHook?.dispose();
    // Let the agent's stop (journal flush, watcher release) finish before the host tears down.
    await this.session.settled();
  }

  private own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  private async restart(why: string): Promise<void> {
    try {
      await this.session.restart(why);
    } catch (err) {
      this.report('restart', err);
    }
  }

  private async startInBackground(why: string): Promise<void> {
    this.log.info(`Starting the agent because ${why}.`);
    try {
      await this.session.start('auto');
    } catch (err) {
      this.report('start', err);
    }
  }

  private createDashboard(approvals: ApprovalFlow): DashboardHook | undefined {
    try {
      return loadDashboard({
        extensionUri: this.context.extensionUri,
        log: this.log,
        agent: () => this.session.agent,
        onDidChangeAgent: this.session.onDidChangeAgent,
        approve: async (id) => {
          await approvals.approve(id);
        },
        reject: async (id) => {
          await approvals.reject(id);
        },
        openEvidence: (ref) => this.locator.open(ref),
        isTrusted: () => vscode.workspace.isTrusted,
      });
    } catch (err) {
      this.log.error(`The dashboard could not be created: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private report(what: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.log.error(`Agent ${what} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
    void vscode.window.showErrorMessage(`COSMOS: could not ${what} the agent — ${message}`, 'Show Log').then((pick) => {
      if (pick) this.log.show(true);
    });
  }
}
