import * as vscode from 'vscode';
import { mkdir } from 'node:fs/promises';
import type { AgentApi, AgentStatus, IncidentChange } from '../../core/loop/agent-api';
import type { Approval, Incident, Report } from '../../core/report/schema';
import type { Disposable as CoreDisposable } from '../../core/ports/disposable';
import { webhookToken } from '../config/secrets';
import { readCosmosConfig } from '../config/settings';
import type { AgentFactory } from './load-node-agent';

export type InvalidRecordRef = Report['invalidRecords'][number];

/** What the surfaces render: a snapshot of the running loop, kept current from the agent's events. */
export interface SessionSnapshot {
  readonly incidents: readonly Incident[];
  readonly approvals: readonly Approval[];
  readonly status: AgentStatus | undefined;
}

export class UserFacingError extends Error {}

const RUNNING_KEY = 'cosmos.agentRunning';

/**
 * Owns the one running AgentApi of this window: start, stop, restart on settings or trust changes, and the
 * snapshot the trees, diagnostics, CodeLens and status bar read. Operations are queued, so starting twice
 * (palette + auto start, or a double click) is harmless and a restart never overlaps a stop.
 */
export class AgentSession implements vscode.Disposable {
  private current: AgentApi | undefined;
  private subscriptions: CoreDisposable[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly incidentMap = new Map<string, Incident>();
  private approvalList: readonly Approval[] = [];
  private lastStatus: AgentStatus | undefined;
  private disposed = false;

  private readonly onDidChangeAgentEmitter = new vscode.EventEmitter<AgentApi | undefined>();
  /** Fires after a start, stop or restart (with the new agent or `undefined`). */
  readonly onDidChangeAgent = this.onDidChangeAgentEmitter.event;
  private readonly onDidChangeSnapshotEmitter = new vscode.EventEmitter<SessionSnapshot>();
  /** Fires when incidents, approvals or the status changed. */
  readonly onDidChangeSnapshot = this.onDidChangeSnapshotEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly factory: AgentFactory,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get agent(): AgentApi | undefined {
    return this.current;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** Whether the user left the agent running when this window last closed (restored on reload). */
  get wasRunning(): boolean {
    return this.context.workspaceState.get<boolean>(RUNNING_KEY, false);
  }

  snapshot(): SessionSnapshot {
    return { incidents: [...this.incidentMap.values()], approvals: this.approvalList, status: this.lastStatus };
  }

  incident(id: string): Incident | undefined {
    return this.incidentMap.get(id) ?? this.current?.incident(id);
  }

  pendingApprovals(): readonly Approval[] {
    return this.approvalList.filter((a) => a.status === 'pending');
  }

  /** Invalid records of the current report (read on demand: the agent keeps them, the session does not). */
  invalidRecords(): readonly InvalidRecordRef[] {
    return this.current?.report().invalidRecords ?? [];
  }

  /** Starts the loop over every workspace folder. Resolves once it runs; a second call is a no-op. */
  start(reason: 'user' | 'auto' | 'restart' = 'user'): Promise<void> {
    return this.enqueue(async () => {
      if (this.current || this.disposed) return;
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      if (roots.length === 0) {
        throw new UserFacingError('Open a folder that contains event and ticket files first.');
      }
      const storage = this.context.storageUri ?? this.context.globalStorageUri;
      await mkdir(storage.fsPath, { recursive: true });
      const trusted = vscode.workspace.isTrusted;
      const started = Date.now();
      this.log.info(
        `Starting the agent (${reason}) over ${roots.join(', ')}; state in ${storage.fsPath}; ` +
          (trusted ? 'trusted workspace' : 'Restricted Mode: observe and reason only, no action, no LLM call'),
      );
      const agent = await this.factory({
        roots,
        stateDir: storage.fsPath,
        config: readCosmosConfig({ trusted }),
        trusted,
        webhookToken: trusted ? await webhookToken(this.context) : undefined,
        log: (level, message) => this.write(level, message),
        onProblems: (problems) => {
          void vscode.window
            .showWarningMessage(`COSMOS: ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`, 'Show Log')
            .then((pick) => {
              if (pick) this.log.show(true);
            });
        },
      });
      this.subscriptions = [
        agent.onDidLog((line) => this.write(line.level, line.message)),
        agent.onDidChangeIncidents((changes) => this.applyIncidentChanges(changes)),
        agent.onDidChangeApprovals(() => this.refreshApprovals()),
        agent.onDidChangeStatus((status) => {
          this.lastStatus = status;
          this.fireSnapshot();
        }),
      ];
      this.current = agent;
      try {
        await agent.start();
      } catch (err) {
        this.current = undefined;
        this.releaseSubscriptions();
        agent.dispose();
        throw err;
      }
      this.seedFromReport();
      if (reason === 'user') await this.context.workspaceState.update(RUNNING_KEY, true);
      await this.setContextKeys();
      this.log.info(
        `Agent running in ${Date.now() - started} ms: ${this.incidentMap.size} incident(s), ` +
          `${this.pendingApprovals().length} pending approval(s).`,
      );
      this.onDidChangeAgentEmitter.fire(agent);
      this.fireSnapshot();
    });
  }

  /** Stops the loop and releases its watchers. `user` stops are remembered across reloads. */
  stop(reason: 'user' | 'restart' | 'dispose' = 'user'): Promise<void> {
    return this.enqueue(async () => {
      const agent = this.current;
      if (reason === 'user') await this.context.workspaceState.update(RUNNING_KEY, false);
      if (!agent) return;
      this.current = undefined;
      this.releaseSubscriptions();
      try {
        await agent.stop();
      } finally {
        agent.dispose();
      }
      this.incidentMap.clear();
      this.approvalList = [];
      this.lastStatus = undefined;
      this.log.info(`Agent stopped (${reason}).`);
      if (reason !== 'dispose') {
        await this.setContextKeys();
        this.onDidChangeAgentEmitter.fire(undefined);
        this.fireSnapshot();
      }
    });
  }

  /** Applies new settings or a trust change: stops and starts a running agent; a stopped one stays stopped. */
  async restart(why: string): Promise<void> {
    if (!this.current) return;
    this.log.info(`Restarting the agent: ${why}.`);
    await this.stop('restart');
    await this.start('restart');
  }

  async setPaused(paused: boolean, by: string): Promise<void> {
    const agent = this.requireAgent();
    await agent.setPaused(paused, by);
    this.lastStatus = agent.status();
    await this.setContextKeys();
    this.fireSnapshot();
  }

  requireAgent(): AgentApi {
    if (!this.current) throw new UserFacingError('The COSMOS agent is not running. Run "COSMOS: Start Agent" first.');
    return this.current;
  }

  dispose(): void {
    if (this.disposed) return;
    // Deactivation: stop the loop (flushes the journal) but keep the "was running" memory for the next window.
    void this.stop('dispose').finally(() => {
      this.onDidChangeAgentEmitter.dispose();
      this.onDidChangeSnapshotEmitter.dispose();
    });
    this.disposed = true;
  }

  /** Resolves when every queued start/stop has settled (deactivate awaits it so the journal is closed). */
  settled(): Promise<void> {
    return this.queue.then(
      () => undefined,
      () => undefined,
    );
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private seedFromReport(): void {
    const agent = this.current;
    if (!agent) return;
    this.incidentMap.clear();
    for (const incident of agent.report().incidents) this.incidentMap.set(incident.id, incident);
    this.approvalList = agent.approvals();
    this.lastStatus = agent.status();
  }

  private applyIncidentChanges(changes: readonly IncidentChange[]): void {
    for (const change of changes) this.incidentMap.set(change.incident.id, change.incident);
    if (this.current) this.lastStatus = this.current.status();
    this.fireSnapshot();
  }

  private refreshApprovals(): void {
    if (!this.current) return;
    this.approvalList = this.current.approvals();
    this.lastStatus = this.current.status();
    void this.setContextKeys();
    this.fireSnapshot();
  }

  private fireSnapshot(): void {
    if (!this.disposed) this.onDidChangeSnapshotEmitter.fire(this.snapshot());
  }

  private async setContextKeys(): Promise<void> {
    const status = this.current?.status();
    await Promise.all([
      vscode.commands.executeCommand('setContext', 'cosmos:running', this.current !== undefined),
      vscode.commands.executeCommand('setContext', 'cosmos:paused', status?.paused ?? false),
    ]);
  }

  private releaseSubscriptions(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private write(level: 'info' | 'warn' | 'error', message: string): void {
    if (level === 'error') this.log.error(message);
    else if (level === 'warn') this.log.warn(message);
    else this.log.info(message);
  }
}
