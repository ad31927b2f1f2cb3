import type { CosmosConfig } from '../config/config';
import type { ActionEntryData } from '../memory/entries';
import type { EffectsPort } from '../ports/effects';
import type { JournalEntry, JournalStore } from '../ports/journal';
import type { ActionReport, Incident } from '../report/schema';
import { ActionLedger, type ActionState } from './action-ledger';
import { actionSpec, isCatalogued } from './catalogue';
import { KeyedLock } from './keyed-lock';
import { displayUrl, matchesTarget } from './http-target';
import { actionKey, type ActionParams, type DraftFile } from './params';
import { escalationPayload, monitorNote, renderDocSuggestion, renderEscalation, renderSupportReply, webhookPayload } from './render';

export interface ExecutorDeps {
  readonly journal: JournalStore;
  readonly effects: EffectsPort;
  /** Read on every call, so a settings change applies to the next action. */
  readonly config: () => CosmosConfig;
  /** Called after a `pause_automation` action is journalled; the agent stops automatic actions. */
  readonly onPause?: (reason: string, action: ActionReport) => void | Promise<void>;
}

export interface ExecuteOptions {
  /** A person asked to run a failed or interrupted action again. */
  readonly retry?: boolean;
  readonly approvalId?: string;
}

export interface ActionRecovery {
  readonly key: string;
  readonly actionId: string;
  readonly type: ActionState['type'];
  readonly phase: 'done' | 'failed' | 'needs_review';
  readonly detail: string;
}

/**
 * Runs catalogued actions exactly once per idempotency key. The intent (`executing`) is journalled
 * before the effect and `done`/`failed` after it; the effect carries the key (file marker, HTTP
 * `Idempotency-Key`), so after a crash `recover()` asks the target instead of running anything again.
 */
export class ActionExecutor {
  private readonly ledger = new ActionLedger();
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: ExecutorDeps) {}

  /** Rebuilds per-key state from the journal; call once at start, before `recover()` and `execute()`. */
  restore(entries: Iterable<JournalEntry>): void {
    for (const e of entries) this.ledger.apply(e);
  }

  state(key: string): ActionState | undefined {
    return this.ledger.get(key);
  }

  /** Every action key the journal knows, with its latest phase. */
  states(): ActionState[] {
    return this.ledger.all();
  }

  async execute(action: ActionReport, incident: Incident, options: ExecuteOptions = {}): Promise<ActionReport> {
    const refusal = this.validate(action, incident);
    if (refusal) return { ...action, status: 'failed', error: refusal, result: undefined };
    if (!this.deps.config().act.allowEffects) {
      return { ...action, status: 'blocked', error: 'effects are disabled in this workspace (untrusted or restricted): nothing was run' };
    }
    return this.lock.run(action.key, () => this.executeLocked(action, incident, options));
  }

  private async executeLocked(action: ActionReport, incident: Incident, options: ExecuteOptions): Promise<ActionReport> {
    const state = this.ledger.get(action.key);
    if (state?.phase === 'done') {
      return { ...action, status: 'executed', result: `already done: ${state.result ?? 'no details'}`, error: undefined };
    }
    if (state && !options.retry) {
      const why =
        state.phase === 'failed'
          ? (state.error ?? 'failed earlier')
          : `an earlier execution was interrupted (${state.phase}); ${state.error ?? 'check the target, then retry'}`;
      return { ...action, status: 'failed', error: why, result: undefined };
    }

    const base: ActionEntryData = {
      actionId: action.id,
      key: action.key,
      type: action.type,
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      phase: 'executing',
      attempt: (state?.attempts ?? 0) + 1,
      ...(options.approvalId ? { approvalId: options.approvalId } : {}),
    };
    await this.record({ ...base, params: action.params });

    let result: string;
    try {
      result = await this.runEffect(action, incident);
    } catch (err) {
      const error = errorText(err);
      await this.record({ ...base, phase: 'failed', error });
      return { ...action, status: 'failed', error, result: undefined };
    }
    await this.record({ ...base, phase: 'done', result });
    return { ...action, status: 'executed', result, error: undefined };
  }

  /**
   * Resolves executions a crash interrupted (intent journalled, no end): `done` when the target shows
   * every effect landed, `failed` (retryable) when it shows none could have, `needs_review` when the
   * target cannot tell (an HTTP POST may or may not have been received). Never re-runs an effect.
   */
  async recover(): Promise<ActionRecovery[]> {
    const out: ActionRecovery[] = [];
    for (const s of this.ledger.interrupted()) {
      const { phase, detail } = await this.inspect(s);
      const data: ActionEntryData = {
        actionId: s.actionId,
        key: s.key,
        type: s.type,
        incidentId: s.incidentId,
        fingerprint: s.fingerprint,
        phase,
        attempt: s.attempts,
        ...(s.approvalId ? { approvalId: s.approvalId } : {}),
        ...(phase === 'done' ? { result: detail } : { error: detail }),
      };
      await this.record(data);
      out.push({ key: s.key, actionId: s.actionId, type: s.type, phase, detail });
    }
    return out;
  }

  private async inspect(s: ActionState): Promise<{ phase: ActionRecovery['phase']; detail: string }> {
    const params = s.params ?? {};
    switch (s.type) {
      case 'monitor':
        return { phase: 'failed', detail: 'interrupted by a restart before the note was recorded; retry records it' };
      case 'pause_automation':
        return this.ledger.pauseRecorded(s.key)
          ? { phase: 'done', detail: 'recovered after restart: the pause had been recorded' }
          : { phase: 'failed', detail: 'interrupted by a restart before the pause was recorded; retry to pause' };
      case 'draft_support_reply':
      case 'suggest_doc_update': {
        const paths = filePaths(params);
        const landed = await this.countLanded(paths, s.key);
        if (landed === paths.length) return { phase: 'done', detail: `recovered after restart: all ${paths.length} file(s) found at the target` };
        return { phase: 'failed', detail: `interrupted by a restart after ${landed} of ${paths.length} file(s); retry writes the missing ones` };
      }
      case 'create_escalation': {
        const paths = filePaths(params);
        const landed = await this.countLanded(paths, s.key);
        if (landed < paths.length) return { phase: 'failed', detail: 'interrupted by a restart before the escalation report was written (nothing was posted); retry to run it' };
        if (params.target === undefined) return { phase: 'done', detail: 'recovered after restart: escalation report found at the target' };
        return {
          phase: 'needs_review',
          detail: `interrupted by a restart after the report was written: the POST to ${targetOrigin(params)} may or may not have been received (Idempotency-Key ${s.key.slice(0, 12)}…); check the target before retrying`,
        };
      }
      case 'notify_webhook':
        return {
          phase: 'needs_review',
          detail: `interrupted by a restart: the POST to ${targetOrigin(params)} may or may not have been received (Idempotency-Key ${s.key.slice(0, 12)}…); check the target before retrying`,
        };
    }
  }

  private async countLanded(paths: readonly string[], key: string): Promise<number> {
    let n = 0;
    for (const p of paths) if (await this.deps.effects.hasFile(p, key)) n++;
    return n;
  }

  private validate(action: ActionReport, incident: Incident): string | undefined {
    if (!isCatalogued(action.type)) return `"${String(action.type).slice(0, 80)}" is not an action COSMOS can take`;
    const p = action.params;
    if (p.incidentId !== incident.id || p.fingerprint !== incident.fingerprint) {
      return `the action was built for incident ${String(p.incidentId)} (${String(p.fingerprint)}), not ${incident.id}`;
    }
    if (actionKey(incident.fingerprint, action.type, p) !== action.key) {
      return 'the action parameters do not match its idempotency key (the action was altered after it was decided)';
    }
    const config = this.deps.config();
    const unavailable = actionSpec(action.type).unavailableReason(config);
    if (unavailable) return unavailable;
    // URLs come from configuration only, bound by hash: a report carrying any other target is refused.
    if (action.type === 'notify_webhook' && !matchesTarget(p.target, config.act.webhookUrl)) {
      return 'the configured act.webhookUrl changed since this action was decided; decide again';
    }
    if (action.type === 'create_escalation' && p.target !== undefined && !matchesTarget(p.target, config.act.escalationUrl)) {
      return 'the configured act.escalationUrl changed since this action was decided; decide again';
    }
    return undefined;
  }

  private async runEffect(action: ActionReport, incident: Incident): Promise<string> {
    const { effects } = this.deps;
    const config = this.deps.config();
    const p = action.params;
    const outDir = config.act.outDir;
    switch (action.type) {
      case 'monitor':
        return monitorNote(incident);
      case 'draft_support_reply': {
        const files = draftFiles(p);
        for (const f of files) await effects.writeFile(f.path, renderSupportReply(incident, p, f.merchantId), action.key);
        return `${files.length} reply draft(s) written to ${outDir}/${files[0]?.path.split('/')[0] ?? ''}/`;
      }
      case 'suggest_doc_update': {
        const file = String(p.file);
        await effects.writeFile(file, renderDocSuggestion(incident, p), action.key);
        return `documentation suggestion written to ${outDir}/${file}`;
      }
      case 'create_escalation': {
        const file = String(p.file);
        await effects.writeFile(file, renderEscalation(incident, p), action.key);
        const url = config.act.escalationUrl;
        if (p.target === undefined || url === undefined) return `escalation report written to ${outDir}/${file}`;
        const res = await this.post(url, escalationPayload(incident, p), action.key);
        return `escalation report written to ${outDir}/${file} and posted to ${displayUrl(url)} (HTTP ${res})`;
      }
      case 'notify_webhook': {
        const url = config.act.webhookUrl ?? '';
        const res = await this.post(url, webhookPayload(incident, p), action.key);
        return `summary posted to ${displayUrl(url)} (HTTP ${res})`;
      }
      case 'pause_automation': {
        const reason = String(p.reason);
        await this.deps.journal.append('automation', { paused: true, by: `action ${action.id}`, reason, actionKey: action.key });
        this.ledger.notePause(action.key);
        await this.deps.onPause?.(reason, action);
        return `automatic actions paused: ${reason}`;
      }
    }
  }

  private async post(url: string, body: unknown, key: string): Promise<number> {
    const timeout = this.deps.config().act.httpTimeoutMs;
    const res = await this.deps.effects.postJson(url, body, key, timeout);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`POST ${displayUrl(url)} answered HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`);
    }
    return res.status;
  }

  private async record(data: ActionEntryData): Promise<void> {
    const entry = await this.deps.journal.append('action', data);
    this.ledger.applyAction(data, entry.seq);
  }
}

function draftFiles(params: ActionParams): DraftFile[] {
  const files = params.files;
  if (!Array.isArray(files)) return [];
  return files.filter(
    (f): f is DraftFile => typeof f === 'object' && f !== null && typeof (f as DraftFile).path === 'string' && typeof (f as DraftFile).merchantId === 'string',
  );
}

function filePaths(params: ActionParams): string[] {
  if (typeof params.file === 'string') return [params.file];
  return draftFiles(params).map((f) => f.path);
}

function targetOrigin(params: ActionParams): string {
  const t = params.target as { origin?: unknown } | undefined;
  return typeof t?.origin === 'string' ? t.origin : 'the configured URL';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
