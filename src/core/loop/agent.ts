import { ActionExecutor } from '../act/executor';
import { ApprovalBook, actionFromApproval } from '../act/approvals';
import { ActionUnavailableError, actionHash, actionKey, buildActionParams } from '../act/params';
import type { CosmosConfig } from '../config/config';
import { decide, type DecideInput } from '../decide/decide';
import { POLICY } from '../decide/policy';
import { Memory } from '../memory/memory';
import { Observer, type ObservedIncident } from '../observe/detect/observer';
import { BACKLOG_SLICE_BYTES, SourceSet } from '../observe/ingest/source-set';
import type { SourceMapping } from '../observe/ingest/source-mappings';
import type { InvalidRecord, SignalRecord } from '../observe/signal';
import type { Clock } from '../ports/clock';
import { DisposableStore, Emitter, type Disposable } from '../ports/disposable';
import type { EffectsPort } from '../ports/effects';
import type { FileAccess } from '../ports/files';
import type { JournalEntry, JournalEntryType, JournalStore, SnapshotStore } from '../ports/journal';
import { describeHealth, type LlmHealth, type LlmPort } from '../ports/llm';
import type { WatchHandle, WatcherPort } from '../ports/watcher';
import type { CompiledRules } from '../reason/compile-rules';
import { isLlmOnly } from '../reason/llm/merge';
import { reason } from '../reason/reason';
import type { ActionReport, Approval, Cause, Incident, Report } from '../report/schema';
import type { AgentApi, AgentStatus, ApprovalResult, IncidentChange, Outcome, Trends } from './agent-api';
import { LlmRefiner } from './llm-refiner';
import { buildReport } from './report-builder';
import { buildTrends } from './trends';

export interface AgentDeps {
  /** Absolute data folders (one per workspace folder). */
  readonly roots: readonly string[];
  readonly files: FileAccess;
  readonly watcher?: WatcherPort;
  readonly journal: JournalStore;
  readonly snapshot?: SnapshotStore<unknown>;
  readonly effects: EffectsPort;
  readonly llm: LlmPort;
  readonly clock: Clock;
  readonly config: CosmosConfig;
  readonly rules: CompiledRules;
  /** Per root, from `.cosmos/sources.json`. */
  readonly mappings?: ReadonlyMap<string, readonly SourceMapping[]>;
  /** Decide without executing anything (`--dry-run`). */
  readonly dryRun?: boolean;
  /** Resources the agent owns and releases on dispose (the LLM client, the journal handle). */
  readonly owned?: readonly Disposable[];
}

/** Invalid records kept for the report and diagnostics; the count keeps going past this. */
const MAX_INVALID_KEPT = 5_000;
/** Watching: how long after the last hint a cycle runs, so a burst of appends is one cycle. */
const HINT_DEBOUNCE_MS = 20;
/** Wall-clock hour for the automatic-action rate limit. */
const HOUR_MS = 60 * 60_000;
const SNAPSHOT_VERSION = 1;
/** Result text of an action a dry run would have executed without approval (scored by `cosmos eval`). */
export const DRY_RUN_AUTO_RESULT = 'dry run: would execute automatically';
const MAX_TICKET_TEXTS = 20_000;
const WATCH_READY_WAIT_MS = 2_000;

interface IncidentState {
  observed: ObservedIncident;
  /** Reasoning (deterministic, possibly refined by the LLM) + decision. */
  full: Incident;
  /** Cheap change marker of the observed incident. */
  marker: string;
}

interface AgentSnapshot {
  readonly version: number;
  readonly roots: readonly string[];
  readonly observer: unknown;
  readonly cursors: Record<string, Record<string, unknown>>;
  readonly invalid: InvalidRecord[];
  readonly invalidCount: number;
  readonly records: number;
  readonly resolved: Record<string, number>;
}

/**
 * The Observe → Reason → Decide → Act loop over one or more data folders. Every cycle is serialised:
 * read new bytes → update aggregates → evaluate incidents → for each incident that changed, reason,
 * decide, act (or queue an approval) and journal what happened. Surfaces see it through `AgentApi`.
 */
export class Agent implements AgentApi {
  private readonly store = new DisposableStore();
  private readonly incidentsChanged = this.store.add(new Emitter<readonly IncidentChange[]>());
  private readonly statusChanged = this.store.add(new Emitter<AgentStatus>());
  private readonly logged = this.store.add(new Emitter<{ level: 'info' | 'warn' | 'error'; message: string }>());
  readonly onDidChangeIncidents = this.incidentsChanged.event;
  readonly onDidChangeStatus = this.statusChanged.event;
  readonly onDidLog = this.logged.event;
  readonly onDidChangeApprovals: AgentApi['onDidChangeApprovals'];

  private readonly sourceSets: { root: string; label: string; set: SourceSet }[];
  private observer: Observer;
  private readonly memory: Memory;
  private readonly approvalsBook: ApprovalBook;
  private readonly executor: ActionExecutor;
  private readonly refiner: LlmRefiner;
  private readonly incidents = new Map<string, IncidentState>();
  /** Recent ticket texts by record id, for LLM excerpts only (bounded; evidence keeps references, not copies). */
  private readonly ticketTexts = new Map<string, string>();
  /** Incident id → lastSeen at the time a person marked it resolved (new evidence reopens it). */
  private resolved = new Map<string, number>();
  private invalid: InvalidRecord[] = [];
  private invalidCount = 0;
  private records = 0;
  /** Cooldown: `${fingerprint}|${type}` → wall time the action was last proposed. */
  private readonly proposedAt = new Map<string, number>();
  private readonly keyToCooldown = new Map<string, string>();
  /** Cooldown slot → the key last proposed for it (a different key there means the parameters changed). */
  private readonly lastKeyBySlot = new Map<string, string>();
  /** Wall times of automatic executions, for the hourly rate limit. */
  private autoRuns: number[] = [];
  private llmHealth: LlmHealth = { ok: false, status: 'LLM not checked yet' };
  private running = false;
  private loaded = false;
  private queue: Promise<unknown> = Promise.resolve();
  private watch: WatchHandle | undefined;
  private hintTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly deps: AgentDeps) {
    const multi = deps.roots.length > 1;
    this.sourceSets = deps.roots.map((root) => ({
      root,
      label: multi ? baseName(root) : '',
      set: new SourceSet({ root, files: deps.files, config: deps.config, mappings: deps.mappings?.get(root) ?? [] }),
    }));
    this.observer = new Observer(deps.config);
    this.memory = new Memory(deps.journal);
    // Approvals and actions journal through the memory so its index (trends, outcomes, pause) sees them.
    const indexed: JournalStore = {
      append: (type: JournalEntryType, data: Record<string, unknown>) => this.memory.append(type, data),
      entries: () => deps.journal.entries(),
      verify: () => deps.journal.verify(),
      close: () => deps.journal.close(),
    };
    const config = (): CosmosConfig => deps.config;
    this.approvalsBook = new ApprovalBook(indexed, config);
    this.onDidChangeApprovals = this.approvalsBook.onDidChange;
    this.executor = new ActionExecutor({
      journal: indexed,
      effects: deps.effects,
      config,
      onPause: () => this.fireStatus(),
    });
    this.refiner = new LlmRefiner(deps.llm, deps.config, (id) => this.ticketTexts.get(id), (id) => this.onLlmAnswer(id));
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Loads memory (journal + snapshot) once; both `start()` and `analyzeOnce()` begin here. */
  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const entries = await this.memory.load();
    this.executor.restore(entries);
    const recovered = await this.executor.recover();
    for (const r of recovered) this.log('warn', `recovered action ${r.actionId} (${r.type}): ${r.phase} — ${r.detail}`);
    const approvals = await this.approvalsBook.recover(entries);
    for (const r of approvals) this.log('warn', `recovered approval ${r.approvalId}: ${r.from} → ${r.to} — ${r.detail}`);
    this.restoreCooldowns(entries);
    await this.restoreSnapshot();
    if (this.deps.config.llm.mode !== 'off' && this.deps.config.act.allowEffects) {
      this.llmHealth = await this.deps.llm.health();
      this.log(this.llmHealth.ok ? 'info' : 'warn', `LLM: ${describeHealth(this.llmHealth)}`);
    } else {
      this.llmHealth = {
        ok: false,
        status: this.deps.config.act.allowEffects ? 'LLM off' : 'LLM off in a restricted workspace (no model calls)',
      };
    }
    this.refiner.setEnabled(this.llmEnabled());
  }

  private llmEnabled(): boolean {
    const mode = this.deps.config.llm.mode;
    if (mode === 'off' || !this.deps.config.act.allowEffects) return false;
    return mode === 'on' || this.llmHealth.ok;
  }

  /** One pass over the folders as they are now (`cosmos analyze`): LLM answers are awaited. */
  async analyzeOnce(): Promise<Report> {
    await this.load();
    await this.enqueue(() => this.cycle({ final: true }));
    // Each ambiguous incident is answered or given up within the LLM timeout (plus slack), never more.
    await this.refiner.drain(this.deps.config.llm.timeoutMs + 500);
    await this.enqueue(async () => this.saveSnapshot());
    return this.report();
  }

  async start(): Promise<void> {
    if (this.running || this.disposed) return;
    this.running = true;
    await this.load();
    await this.enqueue(() => this.cycle({ final: false }));
    if (this.deps.watcher) {
      this.watch = this.deps.watcher.watch(
        this.deps.roots,
        () => this.scheduleCycle(),
        { ignored: this.deps.config.sources.ignored },
      );
      // Until the watcher is ready only the safety poll sees appends; wait for it, but never for long.
      if (this.watch && 'ready' in this.watch && this.watch.ready) {
        await Promise.race([this.watch.ready, new Promise((resolve) => setTimeout(resolve, WATCH_READY_WAIT_MS).unref?.())]);
      }
      // Anything written while the watcher was starting is picked up now.
      this.scheduleCycle();
    }
    this.log('info', `agent started on ${this.deps.roots.join(', ')}`);
    this.fireStatus();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.watch?.dispose();
    this.watch = undefined;
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.refiner.cancelAll();
    await this.queue.catch(() => undefined);
    await this.saveSnapshot();
    this.log('info', 'agent stopped');
    this.fireStatus();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.running = false;
    this.watch?.dispose();
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.refiner.dispose();
    this.approvalsBook.dispose();
    for (const s of this.sourceSets) void s.set.dispose();
    this.store.dispose();
    void this.queue.finally(() => {
      for (const d of this.deps.owned ?? []) d.dispose();
    });
  }

  /** Waits for the work queued so far (tests, CLI `run` on exit). */
  async idle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private scheduleCycle(): void {
    if (!this.running) return;
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.hintTimer = setTimeout(() => {
      this.hintTimer = undefined;
      void this.enqueue(() => this.cycle({ final: false }));
    }, HINT_DEBOUNCE_MS);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch((err: unknown) => this.log('error', `loop step failed: ${errorText(err)}`));
    return run;
  }

  // ---- the loop ---------------------------------------------------------------------------------

  private async cycle(opts: { final: boolean }): Promise<void> {
    if (this.disposed) return;
    let taken = 0;
    for (const s of this.sourceSets) {
      const found = await s.set.discover();
      for (const f of found) this.log('info', `source found: ${this.labelled(s.label, f)}`);
      if (found.length > 0) this.observer.noteSources(s.set.summaries());
      // Large backlogs are taken in slices (bounded memory per batch), yielding between them so a host
      // such as the VS Code extension stays responsive.
      let more = true;
      while (more && !this.disposed) {
        const batch = await s.set.poll({ final: opts.final, maxBytesPerFile: BACKLOG_SLICE_BYTES });
        more = batch.more === true;
        taken += this.take(s.label, batch.records, batch.invalid);
        if (more) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const observed = this.observer.evaluate({ sources: this.sources(), invalid: this.invalidCount, totalRecords: this.records + this.invalidCount });
    const changes: IncidentChange[] = [];
    for (const obs of observed) {
      const change = await this.refresh(obs);
      if (change) changes.push(change);
    }
    const expired = await this.approvalsBook.expire(this.deps.clock.now());
    for (const a of expired) this.log('info', `approval ${a.id} expired (${a.type} for ${a.incidentId}): it will not run`);
    if (taken > 0 || changes.length > 0) {
      this.log('info', `observed ${taken} new record(s); ${changes.length} incident change(s)`);
      await this.saveSnapshot();
    }
    if (changes.length) this.incidentsChanged.fire(changes);
    if (changes.length || expired.length) this.fireStatus();
  }

  /** Feeds one batch to the observer; returns how many valid records it held. */
  private take(label: string, batchRecords: readonly SignalRecord[], invalid: readonly InvalidRecord[]): number {
    const records = label ? batchRecords.map((r) => ({ ...r, location: { ...r.location, file: this.labelled(label, r.location.file) } })) : batchRecords;
    if (records.length) this.observer.add(records);
    for (const r of records) if (r.kind === 'ticket' && r.text) this.rememberText(r.id, r.text);
    this.records += records.length;
    for (const inv of invalid) {
      const located = label ? { ...inv, file: this.labelled(label, inv.file) } : inv;
      this.invalidCount++;
      if (this.invalid.length < MAX_INVALID_KEPT) this.invalid.push(located);
      this.log('warn', `invalid record ${located.file}:${located.line}:${located.column} — ${located.message}`);
    }
    return records.length;
  }

  /** Reason → decide → act for one incident if its observation changed. */
  private async refresh(obs: ObservedIncident): Promise<IncidentChange | undefined> {
    const previous = this.incidents.get(obs.id);
    const observed = this.applyResolution(obs);
    const marker = markerOf(observed);
    if (previous && previous.marker === marker) return undefined;

    const det = reason(observed, {
      rules: this.deps.rules,
      config: this.deps.config,
      calibrate: (ruleId, raw) => this.memory.calibrate(ruleId, raw),
    });
    let full: Incident = { ...observed, ...det };
    this.log('info', `reason ${obs.id}: ${det.cause} (${det.confidence.toFixed(2)})${det.ambiguity.ambiguous ? ` ambiguous — ${det.ambiguity.reasons.join('; ')}` : ''}`);

    // The deterministic decision is available now; an ambiguous incident is refined when the LLM answers.
    const refined = observed.status === 'resolved' ? undefined : this.refiner.refine(full);
    if (refined) full = { ...full, ...refined };

    full = await this.decideAndAct(full);
    this.incidents.set(obs.id, { observed, full, marker });
    await this.memory.recordIncident(full);

    const kind: IncidentChange['kind'] = !previous
      ? 'opened'
      : previous.full.status !== full.status
        ? full.status === 'open'
          ? 'reopened'
          : full.status
        : 'updated';
    return { kind, incident: full };
  }

  private rememberText(id: string, text: string): void {
    if (this.ticketTexts.size >= MAX_TICKET_TEXTS) {
      const oldest = this.ticketTexts.keys().next().value;
      if (oldest !== undefined) this.ticketTexts.delete(oldest);
    }
    this.ticketTexts.set(id, text);
  }

  private applyResolution(obs: ObservedIncident): ObservedIncident {
    const at = this.resolved.get(obs.id);
    if (at === undefined) return obs;
    if (obs.lastSeen > at) {
      // New evidence after a person resolved it: the incident is back.
      this.resolved.delete(obs.id);
      return { ...obs, status: 'open', reopened: obs.reopened + 1 };
    }
    return { ...obs, status: 'resolved' };
  }

  private async decideAndAct(incident: Incident): Promise<Incident> {
    if (incident.status === 'resolved') return incident;
    const now = this.deps.clock.now();
    this.autoRuns = this.autoRuns.filter((t) => now - t < HOUR_MS);
    const config = this.deps.config;
    const { decision, planned } = decide(incident as DecideInput, {
      config,
      now,
      autoActionsLastHour: this.autoRuns.length,
      alreadyProposed: (key) => this.inCooldown(key, now),
      paused: this.memory.index.paused,
      llmOnly: (cause: Cause) => isLlmOnly(incident.hypotheses ?? [], cause),
      actionParams: (type, inc) => this.paramsOrUnavailable(type, inc as Incident),
      actionKey: (fingerprint, type, params) => {
        const key = actionKey(fingerprint, type, params);
        this.keyToCooldown.set(key, `${fingerprint}|${type}`);
        return key;
      },
    });

    const actions: ActionReport[] = [];
    for (const p of planned) {
      let report = p.report;
      const cooled = report.status === 'skipped' && report.gates.some((g) => g.name === 'cooldown' && !g.passed);
      if (cooled) {
        actions.push(this.previousOutcome(report));
        continue;
      }
      if (report.status !== 'skipped' && report.status !== 'blocked') this.markProposed(report.key, now);
      if (p.autoExecute) {
        if (this.deps.dryRun) {
          report = { ...report, status: 'skipped', result: DRY_RUN_AUTO_RESULT };
        } else {
          report = await this.executor.execute(report, incident);
          if (report.status === 'executed') {
            this.autoRuns.push(now);
            this.log('info', `act ${incident.id}: ${report.type} executed — ${report.result ?? ''}`);
          } else {
            this.log('warn', `act ${incident.id}: ${report.type} ${report.status} — ${report.error ?? ''}`);
          }
        }
      } else if (report.status === 'pending_approval') {
        if (this.deps.dryRun) {
          report = { ...report, result: 'dry run: would wait for approval' };
        } else {
          const { approval, created } = await this.approvalsBook.propose(report, incident, now);
          report = { ...report, approvalId: approval.id, status: approvalStatusToAction(approval.status, report.status) };
          if (created) this.log('info', `approval ${approval.id} queued: ${report.type} (${report.risk} risk) for ${incident.id} — ${report.reason}`);
        }
      }
      actions.push(report);
    }
    const full: Incident = { ...incident, decision: { ...decision, actions } };
    await this.memory.append('decision', {
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      cause: decision.cause,
      confidence: decision.confidence,
      bindingGate: decision.bindingGate ?? null,
      margin: decision.margin ?? null,
      summary: decision.summary,
      actions: actions.map((a) => ({ id: a.id, type: a.type, risk: a.risk, status: a.status, key: a.key, gates: a.gates })),
    });
    return full;
  }

  /** An action in cooldown shows what became of it the first time (executed, pending, …), not "skipped". */
  private previousOutcome(report: ActionReport): ActionReport {
    const state = this.executor.state(report.key);
    if (state?.phase === 'done') return { ...report, status: 'executed', result: state.result ?? 'done earlier' };
    if (state?.phase === 'failed') return { ...report, status: 'failed', error: state.error ?? 'failed earlier' };
    const pending = this.approvalsBook.list().find((a) => this.approvalsBook.keyOf(a.id) === report.key);
    if (pending) return { ...report, approvalId: pending.id, status: approvalStatusToAction(pending.status, 'skipped') };
    return report;
  }

  private paramsOrUnavailable(type: ActionReport['type'], incident: Incident): Record<string, unknown> {
    try {
      return buildActionParams(type, incident, this.deps.config);
    } catch (err) {
      // Decide's target gate reports the missing configuration; the params only name the action.
      if (err instanceof ActionUnavailableError) return { incidentId: incident.id, unavailable: err.reason };
      throw err;
    }
  }

  private inCooldown(key: string, now: number): boolean {
    if (this.executor.state(key)) return true;
    const slot = this.keyToCooldown.get(key);
    const at = slot ? this.proposedAt.get(slot) : undefined;
    return at !== undefined && now - at < this.deps.config.decide.cooldownMs && this.sameKeyStillLive(slot!, key);
  }

  /**
   * A different key for the same incident and action (parameters changed) is not a repeat: the earlier
   * approval is superseded when a person tries it, and the fresh proposal must be possible then.
   */
  private sameKeyStillLive(slot: string, key: string): boolean {
    return this.lastKeyBySlot.get(slot) === key;
  }

  private markProposed(key: string, now: number): void {
    const slot = this.keyToCooldown.get(key);
    if (!slot) return;
    if (this.lastKeyBySlot.get(slot) !== key) this.proposedAt.set(slot, now);
    this.lastKeyBySlot.set(slot, key);
  }

  private restoreCooldowns(entries: readonly JournalEntry[]): void {
    for (const e of entries) {
      if (e.type !== 'decision') continue;
      const fingerprint = e.data.fingerprint;
      const actions = e.data.actions;
      if (typeof fingerprint !== 'string' || !Array.isArray(actions)) continue;
      for (const a of actions as { type?: string; key?: string; status?: string }[]) {
        if (!a.key || !a.type || a.status === 'skipped' || a.status === 'blocked') continue;
        const slot = `${fingerprint}|${a.type}`;
        this.keyToCooldown.set(a.key, slot);
        if (this.lastKeyBySlot.get(slot) !== a.key) this.proposedAt.set(slot, e.at);
        this.lastKeyBySlot.set(slot, a.key);
      }
    }
  }

  // ---- LLM refinement -----------------------------------------------------------------------------

  private onLlmAnswer(incidentId: string): void {
    void this.enqueue(async () => {
      const state = this.incidents.get(incidentId);
      if (!state || this.disposed) return;
      const refined = this.refiner.refine(state.full);
      if (!refined) return;
      let full: Incident = { ...state.full, ...refined };
      full = await this.decideAndAct(full);
      state.full = full;
      await this.memory.recordIncident(full);
      this.log('info', `LLM ${incidentId}: ${full.reasoningMode} → ${full.cause} (${(full.confidence ?? 0).toFixed(2)})${full.llm?.error ? ` — ${full.llm.error}` : ''}`);
      this.incidentsChanged.fire([{ kind: 'updated', incident: full }]);
      this.fireStatus();
    });
  }

  // ---- approvals and outcomes ----------------------------------------------------------------------

  async approve(approvalId: string, by: string): Promise<ApprovalResult> {
    await this.load();
    if (!this.deps.config.act.allowEffects) {
      return { ok: false, message: 'This workspace is not trusted: COSMOS observes and reasons here but executes nothing. Trust the workspace to approve actions.' };
    }
    // Only a person approving again an approval that failed or was interrupted asks for a re-run; a fresh
    // approval never re-runs an action whose earlier execution is unaccounted for (the executor refuses it).
    const before = this.approvalsBook.get(approvalId)?.status;
    const retry = before === 'failed' || before === 'needs_review';
    const result = await this.approvalsBook.approve(approvalId, by, {
      now: this.deps.clock.now(),
      paused: this.memory.index.paused,
      currentActionHash: (a) => this.currentHash(a),
      execute: async (a) => {
        const incident = this.incidents.get(a.incidentId)?.full;
        if (!incident) return { ok: false, error: `incident ${a.incidentId} is no longer known` };
        const report = await this.executor.execute(actionFromApproval(a), incident, { approvalId: a.id, retry });
        return report.status === 'executed' ? { ok: true, result: report.result } : { ok: false, error: report.error ?? report.status };
      },
    });
    const approval = result.approval;
    if (approval?.status === 'superseded') {
      // The incident changed since the person saw the action: propose the action as it is now.
      const state = this.incidents.get(approval.incidentId);
      if (state) {
        this.proposedAt.delete(`${approval.fingerprint}|${approval.type}`);
        await this.enqueue(async () => {
          state.full = await this.decideAndAct(state.full);
        });
      }
    }
    await this.refreshIncidentAfterApproval(approval);
    this.log(result.ok ? 'info' : 'warn', `approve ${approvalId} by ${by}: ${result.message}`);
    this.fireStatus();
    return result;
  }

  async reject(approvalId: string, by: string, why: string): Promise<ApprovalResult> {
    await this.load();
    const result = await this.approvalsBook.reject(approvalId, by, why);
    await this.refreshIncidentAfterApproval(result.approval);
    this.log('info', `reject ${approvalId} by ${by}: ${result.message}`);
    this.fireStatus();
    return result;
  }

  /** Reflects an approval's new state in its incident's action list. */
  private async refreshIncidentAfterApproval(approval: Approval | undefined): Promise<void> {
    if (!approval) return;
    const state = this.incidents.get(approval.incidentId);
    if (!state?.full.decision) return;
    const actions = state.full.decision.actions.map((a) =>
      a.approvalId === approval.id
        ? {
            ...a,
            status: approvalStatusToAction(approval.status, a.status),
            ...(approval.result ? { result: approval.result } : {}),
            ...(approval.error ? { error: approval.error } : {}),
          }
        : a,
    );
    state.full = { ...state.full, decision: { ...state.full.decision, actions } };
    this.incidentsChanged.fire([{ kind: 'updated', incident: state.full }]);
  }

  private currentHash(approval: Approval): string | undefined {
    const state = this.incidents.get(approval.incidentId);
    // A quiet incident (no new evidence lately) is still unresolved: its actions can still be approved.
    if (!state || state.full.status === 'resolved') return undefined;
    const cause = state.full.cause ?? 'unknown';
    if (!POLICY[cause].some((p) => p.type === approval.type)) return `cause-now-${cause}`;
    try {
      return actionHash(approval.type, buildActionParams(approval.type, state.full, this.deps.config));
    } catch {
      return 'unavailable';
    }
  }

  async recordOutcome(incidentId: string, outcome: Outcome, by: string): Promise<void> {
    await this.load();
    await this.memory.recordOutcome(incidentId, outcome, by);
    const state = this.incidents.get(incidentId);
    if (outcome === 'resolved' || outcome === 'false_positive') {
      if (state) {
        this.resolved.set(incidentId, state.observed.lastSeen);
        state.full = { ...state.full, status: 'resolved' };
        state.marker = markerOf(this.applyResolution(state.observed));
        this.incidentsChanged.fire([{ kind: 'resolved', incident: state.full }]);
      }
      // Through the queue: a snapshot taken in the middle of a cycle could pair source cursors with an observer
      // that has not taken in the records before them yet.
      await this.enqueue(() => this.saveSnapshot());
    }
    this.log('info', `outcome ${incidentId}: ${outcome} (by ${by})`);
    this.fireStatus();
  }

  async setPaused(paused: boolean, by: string): Promise<void> {
    await this.load();
    await this.memory.append('automation', { paused, by, reason: paused ? 'paused by a person' : 'resumed by a person' });
    this.log('info', `automation ${paused ? 'paused' : 'resumed'} by ${by}`);
    this.fireStatus();
  }

  // ---- read side -------------------------------------------------------------------------------------

  status(): AgentStatus {
    let open = 0;
    for (const s of this.incidents.values()) if (s.full.status === 'open') open++;
    return {
      running: this.running,
      paused: this.memory.index.paused,
      openIncidents: open,
      pendingApprovals: this.approvalsBook.list({ status: 'pending' }).length,
      llm: this.llmHealth,
      effectsAllowed: this.deps.config.act.allowEffects,
    };
  }

  report(): Report {
    return buildReport({
      dataDir: this.deps.roots.join(', '),
      sources: this.sources(),
      invalid: this.invalid,
      invalidCount: this.invalidCount,
      records: this.records,
      incidents: [...this.incidents.values()].map((s) => s.full),
      approvals: this.approvalsBook.list(),
      llm: { mode: this.deps.config.llm.mode, health: this.llmHealth, escalations: this.refiner.escalations() },
    });
  }

  incident(id: string): Incident | undefined {
    return this.incidents.get(id)?.full;
  }

  approvals(filter?: { status?: Approval['status'] }): readonly Approval[] {
    return this.approvalsBook.list(filter);
  }

  trends(): Trends {
    return buildTrends(this.memory.index);
  }

  /** Absolute path of a report file path (`file` of evidence / invalid records). */
  resolvePath(file: string): string | undefined {
    if (this.sourceSets.length === 1) return joinPath(this.sourceSets[0]!.root, file);
    const slash = file.indexOf('/');
    const label = slash > 0 ? file.slice(0, slash) : '';
    const s = this.sourceSets.find((x) => x.label === label);
    return s ? joinPath(s.root, file.slice(slash + 1)) : undefined;
  }

  /** What the LLM would be sent for an incident (`cosmos explain --prompt`). */
  promptFor(incidentId: string): string | undefined {
    const incident = this.incidents.get(incidentId)?.full;
    return incident ? this.refiner.renderPrompt(incident) : undefined;
  }

  /** Re-checks the LLM (the "Check LLM Connection" command). */
  async checkLlm(): Promise<LlmHealth> {
    this.llmHealth = this.deps.config.act.allowEffects
      ? await this.deps.llm.health()
      : { ok: false, status: 'LLM off in a restricted workspace (no model calls)' };
    this.refiner.setEnabled(this.llmEnabled());
    this.fireStatus();
    return this.llmHealth;
  }

  private sources() {
    return this.sourceSets.flatMap((s) => s.set.summaries().map((x) => (s.label ? { ...x, file: this.labelled(s.label, x.file) } : x)));
  }

  private labelled(label: string, file: string): string {
    return label ? `${label}/${file}` : file;
  }

  // ---- snapshot -------------------------------------------------------------------------------------

  private async saveSnapshot(): Promise<void> {
    if (!this.deps.snapshot) return;
    const snapshot: AgentSnapshot = {
      version: SNAPSHOT_VERSION,
      roots: [...this.deps.roots],
      observer: this.observer.snapshot(),
      cursors: Object.fromEntries(this.sourceSets.map((s) => [s.root, s.set.cursors()])),
      invalid: this.invalid,
      invalidCount: this.invalidCount,
      records: this.records,
      resolved: Object.fromEntries(this.resolved),
    };
    await this.deps.snapshot.save(snapshot);
  }

  private async restoreSnapshot(): Promise<void> {
    if (!this.deps.snapshot) return;
    let raw: unknown;
    try {
      raw = await this.deps.snapshot.load();
    } catch (err) {
      this.log('warn', `state snapshot unreadable, replaying the data files instead: ${errorText(err)}`);
      return;
    }
    const snap = raw as Partial<AgentSnapshot> | undefined;
    if (!snap || snap.version !== SNAPSHOT_VERSION || !sameRoots(snap.roots, this.deps.roots)) return;
    try {
      this.observer = Observer.restore(this.deps.config, snap.observer);
      for (const s of this.sourceSets) s.set.restore(snap.cursors?.[s.root] ?? {});
      this.invalid = snap.invalid ?? [];
      this.invalidCount = snap.invalidCount ?? 0;
      this.records = snap.records ?? 0;
      this.resolved = new Map(Object.entries(snap.resolved ?? {}));
      this.log('info', `state restored: ${this.records} records already observed`);
    } catch (err) {
      this.observer = new Observer(this.deps.config);
      for (const s of this.sourceSets) s.set.restore({});
      this.log('warn', `state snapshot does not fit this version, replaying the data files: ${errorText(err)}`);
    }
  }

  // ---- events ------------------------------------------------------------------------------------------

  private fireStatus(): void {
    this.statusChanged.fire(this.status());
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.logged.fire({ level, message });
  }
}

function markerOf(i: ObservedIncident): string {
  return `${i.status}|${i.lastSeen}|${i.features.eventCount}|${i.features.ticketCount}|${i.anomalies.length}|${i.merchants.length}|${i.observationConfidence.value}|${i.reopened}`;
}

function approvalStatusToAction(status: Approval['status'], fallback: ActionReport['status']): ActionReport['status'] {
  switch (status) {
    case 'pending':
    case 'approved':
    case 'executing':
      return 'pending_approval';
    case 'done':
      return 'executed';
    case 'failed':
    case 'needs_review':
      return 'failed';
    case 'rejected':
    case 'expired':
    case 'superseded':
      return 'skipped';
    default:
      return fallback;
  }
}

function sameRoots(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

function joinPath(root: string, file: string): string {
  return `${root.replace(/[\\/]+$/, '')}/${file}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
