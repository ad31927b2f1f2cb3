import type { JournalEntry } from '../ports/journal';
import type { ActionType } from '../report/schema';
import { ActionEntrySchema, AutomationEntrySchema, readEntry, type ActionEntryData, type ActionPhase } from '../memory/entries';

/** The latest known state of one action key, folded from `action` journal entries. */
export interface ActionState {
  readonly key: string;
  readonly actionId: string;
  readonly type: ActionType;
  readonly incidentId: string;
  readonly fingerprint: string;
  readonly phase: ActionPhase;
  readonly attempts: number;
  /** Seq of the entry that set `phase`. */
  readonly seq: number;
  readonly params?: Record<string, unknown>;
  readonly approvalId?: string;
  readonly result?: string;
  readonly error?: string;
}

/** Folds the journal into per-key action state; the executor keeps it current as it appends. */
export class ActionLedger {
  private readonly byKey = new Map<string, ActionState>();
  private readonly pauseKeys = new Set<string>();

  apply(entry: JournalEntry): void {
    const action = readEntry(entry, 'action', ActionEntrySchema);
    if (action) {
      this.applyAction(action, entry.seq);
      return;
    }
    const automation = readEntry(entry, 'automation', AutomationEntrySchema);
    if (automation?.paused && automation.actionKey) this.pauseKeys.add(automation.actionKey);
  }

  applyAction(data: ActionEntryData, seq: number): void {
    const prev = this.byKey.get(data.key);
    this.byKey.set(data.key, {
      key: data.key,
      actionId: data.actionId,
      type: data.type,
      incidentId: data.incidentId,
      fingerprint: data.fingerprint,
      phase: data.phase,
      attempts: Math.max(prev?.attempts ?? 0, data.attempt),
      seq,
      params: data.params ?? prev?.params,
      approvalId: data.approvalId ?? prev?.approvalId,
      result: data.result,
      error: data.error,
    });
  }

  notePause(actionKey: string): void {
    this.pauseKeys.add(actionKey);
  }

  get(key: string): ActionState | undefined {
    return this.byKey.get(key);
  }

  pauseRecorded(actionKey: string): boolean {
    return this.pauseKeys.has(actionKey);
  }

  /** Executions whose intent was journalled but whose end was not: a crash happened in between. */
  interrupted(): ActionState[] {
    return [...this.byKey.values()].filter((s) => s.phase === 'executing');
  }

  all(): ActionState[] {
    return [...this.byKey.values()];
  }
}
