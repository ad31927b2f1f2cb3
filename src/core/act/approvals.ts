import type { CosmosConfig } from '../config/config';
import type { ApprovalResult } from '../loop/agent-api';
import { ActionEntrySchema, ApprovalEntrySchema, readEntry, type ApprovalEntryData } from '../memory/entries';
import { Emitter } from '../ports/disposable';
import type { JournalEntry, JournalStore } from '../ports/journal';
import type { ActionReport, Approval, ApprovalStatus, Incident } from '../report/schema';
import { KeyedLock } from './keyed-lock';
import { actionHash, actionKey } from './params';

export interface ApprovalContext {
  readonly now: number;
  /** Hash of the action as it would be proposed now; undefined when the incident is gone or not open. */
  currentActionHash(approval: Approval): string | undefined;
  readonly paused: boolean;
  execute(approval: Approval): Promise<{ ok: boolean; result?: string; error?: string }>;
}

export interface ApprovalRecovery {
  readonly approvalId: string;
  readonly from: ApprovalStatus;
  readonly to: ApprovalStatus;
  readonly detail: string;
}

/** Statuses a person can approve: a fresh request, or one whose run failed or was interrupted. */
const APPROVABLE: ReadonlySet<ApprovalStatus> = new Set(['pending', 'failed', 'needs_review']);
/** While an approval for the same action is in one of these, proposing it again returns that one. */
const BLOCKS_NEW_PROPOSAL: ReadonlySet<ApprovalStatus> = new Set(['pending', 'approved', 'executing', 'done', 'needs_review', 'rejected']);

interface Entry {
  approval: Approval;
  readonly key: string;
  /** Bumped on every transition: an approve that waited behind another one sees that the state moved. */
  version: number;
  /** Seq of the `executing` transition, to tell this run's action entries from earlier ones. */
  executingSeq?: number;
}

/**
 * Human approvals for actions Decide would not run on its own. Every transition is journalled before
 * it takes effect in memory; `executing` is journalled before the action runs and `done`/`failed`
 * after, so a crash in between leaves a visible `needs_review`, never a silent second run.
 */
export class ApprovalBook {
  private readonly entries = new Map<string, Entry>();
  private readonly lock = new KeyedLock();
  private lastNumber = 0;
  private readonly changed = new Emitter<readonly Approval[]>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly journal: JournalStore,
    private readonly config: () => CosmosConfig,
  ) {}

  /**
   * Rebuilds the book from the journal. Approvals a crash left in `approved` or `executing` are settled
   * from the action entries that follow (done / failed), otherwise marked `needs_review` — journalled,
   * and never re-run without a person approving again.
   */
  async recover(journalEntries: Iterable<JournalEntry>): Promise<ApprovalRecovery[]> {
    this.entries.clear();
    this.lastNumber = 0;
    const lastAction = new Map<string, { phase: string; seq: number; result?: string; error?: string }>();
    for (const e of journalEntries) {
      const a = readEntry(e, 'approval', ApprovalEntrySchema);
      if (a) {
        this.fold(a, e.seq);
        continue;
      }
      const act = readEntry(e, 'action', ActionEntrySchema);
      if (act) lastAction.set(act.key, { phase: act.phase, seq: e.seq, result: act.result, error: act.error });
    }

    const out: ApprovalRecovery[] = [];
    for (const entry of this.entries.values()) {
      const from = entry.approval.status;
      if (from !== 'approved' && from !== 'executing') continue;
      const act = lastAction.get(entry.key);
      const ranAfter = act !== undefined && entry.executingSeq !== undefined && act.seq > entry.executingSeq;
      let data: ApprovalEntryData;
      if (ranAfter && act.phase === 'done') {
        data = { approvalId: entry.approval.id, status: 'done', result: `recovered after restart: ${act.result ?? 'the action had finished'}` };
      } else if (ranAfter && act.phase === 'failed') {
        data = { approvalId: entry.approval.id, status: 'failed', error: act.error ?? 'the action failed before the restart' };
      } else {
        const detail =
          from === 'approved' || !ranAfter
            ? 'interrupted by a restart before the action started; nothing ran. Approve again to run it'
            : 'interrupted by a restart while the action was running; check the target (file or receiving service) before approving again';
        data = { approvalId: entry.approval.id, status: 'needs_review', reason: detail };
      }
      await this.append(data);
      out.push({ approvalId: entry.approval.id, from, to: data.status, detail: data.result ?? data.error ?? data.reason ?? '' });
    }
    if (out.length > 0) this.fire();
    return out;
  }

  list(filter?: { status?: ApprovalStatus }): Approval[] {
    const all = [...this.entries.values()].map((e) => e.approval);
    return filter?.status ? all.filter((a) => a.status === filter.status) : all;
  }

  get(id: string): Approval | undefined {
    return this.entries.get(id)?.approval;
  }

  /** Idempotency key of the approval's action. */
  keyOf(id: string): string | undefined {
    return this.entries.get(id)?.key;
  }

  /**
   * Queues `action` for a person. Returns the existing approval instead of a duplicate while one for the
   * same action (same key) is pending, running, done, waiting for review or was rejected.
   */
  propose(action: ActionReport, incident: Incident, now: number): Promise<{ approval: Approval; created: boolean }> {
    return this.lock.run('\u0000propose', async () => {
      for (const e of this.entries.values()) {
        if (e.key === action.key && BLOCKS_NEW_PROPOSAL.has(e.approval.status)) return { approval: e.approval, created: false };
      }
      const id = `APR-${this.lastNumber + 1}`;
      const approval: Approval = {
        id,
        incidentId: incident.id,
        fingerprint: incident.fingerprint,
        actionId: action.id,
        type: action.type,
        params: action.params,
        risk: action.risk,
        reason: action.reason,
        actionHash: actionHash(action.type, action.params),
        createdAt: now,
        expiresAt: now + this.config().decide.approvalTtlMs,
        status: 'pending',
      };
      await this.append({ approvalId: id, status: 'pending', approval, key: action.key });
      this.fire();
      return { approval: this.entries.get(id)!.approval, created: true };
    });
  }

  /**
   * Runs the approved action once. Concurrent approvals of one id queue on a lock, and each is bound to
   * the state it was given in: if another approval ran first (even one that failed), the later one is
   * refused rather than silently becoming a retry — retrying a failed action is a fresh decision.
   */
  approve(id: string, by: string, ctx: ApprovalContext): Promise<ApprovalResult> {
    const seenVersion = this.entries.get(id)?.version;
    return this.lock.run(id, async () => {
      const entry = this.entries.get(id);
      if (!entry) return { ok: false, message: `There is no approval ${id}.` };
      const a = entry.approval;
      if (!APPROVABLE.has(a.status)) return { ok: false, message: `${id} is ${a.status}${a.decidedBy ? ` (by ${a.decidedBy})` : ''}: nothing to approve.`, approval: a };
      if (entry.version !== seenVersion) {
        return { ok: false, message: `${id} changed while this approval was waiting (now ${a.status}${a.error ? `: ${a.error}` : ''}); look at it again before approving.`, approval: a };
      }

      if (ctx.now >= a.expiresAt) {
        if (a.status === 'pending') await this.transition({ approvalId: id, status: 'expired', reason: `expired at ${iso(a.expiresAt)} before approval` });
        return { ok: false, message: `${id} expired at ${iso(a.expiresAt)} and was not run; a fresh approval is needed.`, approval: entry.approval };
      }
      if (ctx.paused) return { ok: false, message: `Automation is paused: resume it before approving ${id}.`, approval: a };
      const current = ctx.currentActionHash(a);
      if (current === undefined) return { ok: false, message: `Incident ${a.incidentId} is no longer open: ${id} was not run.`, approval: a };
      if (current !== a.actionHash) {
        const reason = `incident ${a.incidentId} changed since this approval was requested: the ${a.type} action would now differ (hash ${current.slice(0, 8)} ≠ ${a.actionHash.slice(0, 8)}); a fresh approval is proposed`;
        await this.transition({ approvalId: id, status: 'superseded', by, reason });
        return { ok: false, message: `${id} was not run: ${reason}.`, approval: entry.approval };
      }

      await this.transition({ approvalId: id, status: 'approved', by });
      const executingSeq = await this.transition({ approvalId: id, status: 'executing', by });
      entry.executingSeq = executingSeq;
      let outcome: { ok: boolean; result?: string; error?: string };
      try {
        outcome = await ctx.execute(entry.approval);
      } catch (err) {
        outcome = { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.ok) {
        await this.transition({ approvalId: id, status: 'done', by, result: outcome.result });
        return { ok: true, message: outcome.result ?? `${id} done.`, approval: entry.approval };
      }
      await this.transition({ approvalId: id, status: 'failed', by, error: outcome.error ?? 'failed' });
      return { ok: false, message: `${id} failed: ${outcome.error ?? 'unknown error'}. You can approve it again to retry.`, approval: entry.approval };
    });
  }

  reject(id: string, by: string, reason: string): Promise<ApprovalResult> {
    const seenVersion = this.entries.get(id)?.version;
    return this.lock.run(id, async () => {
      const entry = this.entries.get(id);
      if (!entry) return { ok: false, message: `There is no approval ${id}.` };
      if (entry.version !== seenVersion && APPROVABLE.has(entry.approval.status) && entry.approval.status !== 'pending') {
        return { ok: false, message: `${id} changed while this rejection was waiting (now ${entry.approval.status}); look at it again.`, approval: entry.approval };
      }
      if (!APPROVABLE.has(entry.approval.status)) {
        return { ok: false, message: `${id} is ${entry.approval.status}: it can no longer be rejected.`, approval: entry.approval };
      }
      await this.transition({ approvalId: id, status: 'rejected', by, reason });
      return { ok: true, message: `${id} rejected by ${by}${reason ? `: ${reason}` : ''}.`, approval: entry.approval };
    });
  }

  /** Marks every pending approval past its TTL as `expired`; returns them. */
  async expire(now: number): Promise<Approval[]> {
    const due = this.list({ status: 'pending' }).filter((a) => now >= a.expiresAt);
    const out: Approval[] = [];
    for (const a of due) {
      const done = await this.lock.run(a.id, async () => {
        const entry = this.entries.get(a.id);
        if (!entry || entry.approval.status !== 'pending' || now < entry.approval.expiresAt) return undefined;
        await this.transition({ approvalId: a.id, status: 'expired', reason: `not approved within ${Math.round(this.config().decide.approvalTtlMs / 60_000)} min` });
        return entry.approval;
      });
      if (done) out.push(done);
    }
    return out;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async transition(data: ApprovalEntryData): Promise<number> {
    const seq = await this.append(data);
    this.fire();
    return seq;
  }

  /** Journal first, memory second: what the book shows is always what the journal says. */
  private async append(data: ApprovalEntryData): Promise<number> {
    const entry = await this.journal.append('approval', data);
    this.fold(data, entry.seq);
    return entry.seq;
  }

  private fold(data: ApprovalEntryData, seq: number): void {
    if (data.status === 'pending' && data.approval && data.key) {
      this.entries.set(data.approvalId, { approval: { ...data.approval }, key: data.key, version: 0 });
      const n = /^APR-(\d+)$/.exec(data.approvalId);
      if (n) this.lastNumber = Math.max(this.lastNumber, Number(n[1]));
      return;
    }
    const entry = this.entries.get(data.approvalId);
    if (!entry) return;
    const a = entry.approval;
    entry.approval = {
      ...a,
      status: data.status,
      decidedBy: data.status === 'approved' || data.status === 'rejected' || data.status === 'superseded' ? (data.by ?? a.decidedBy) : a.decidedBy,
      decisionReason: data.reason ?? (data.status === 'approved' ? undefined : a.decisionReason),
      result: data.result ?? (data.status === 'executing' ? undefined : a.result),
      error: data.error ?? (data.status === 'executing' || data.status === 'done' ? undefined : a.error),
    };
    entry.version++;
    if (data.status === 'executing') entry.executingSeq = seq;
  }

  private fire(): void {
    this.changed.fire(this.list());
  }
}

/** The ActionReport an approved action runs as (key recomputed from the approved parameters). */
export function actionFromApproval(approval: Approval): ActionReport {
  return {
    id: approval.actionId,
    type: approval.type,
    risk: approval.risk,
    status: 'pending_approval',
    gates: [],
    params: approval.params,
    key: actionKey(approval.fingerprint, approval.type, approval.params),
    reason: approval.reason,
    approvalId: approval.id,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
