/**
 * Append-only audit journal and the atomic state snapshot. The file-backed adapter lives in
 * src/adapters/node/; the CLI points it at `--state-dir`, the extension at workspace storage.
 */
export interface JournalEntry {
  /** Monotonic sequence number assigned by the store. */
  readonly seq: number;
  /** Wall-clock time of the append (epoch ms). */
  readonly at: number;
  readonly type: JournalEntryType;
  readonly data: Readonly<Record<string, unknown>>;
}

export type JournalEntryType =
  | 'observation'
  | 'incident'
  | 'hypotheses'
  | 'decision'
  | 'action'
  | 'approval'
  | 'outcome'
  | 'automation'
  | 'cursor';

export interface JournalVerifyResult {
  readonly ok: boolean;
  readonly entries: number;
  /** Torn tail dropped at open (crash mid-append). */
  readonly tornTailDropped: boolean;
  /** First problem found, with line number, when not ok. */
  readonly problem?: string;
}

export interface JournalStore {
  /** Appends durably (per the store's fsync policy) and resolves once the entry is acknowledged. */
  append(type: JournalEntryType, data: Record<string, unknown>): Promise<JournalEntry>;
  /** Every intact entry in order. */
  entries(): AsyncIterable<JournalEntry>;
  verify(): Promise<JournalVerifyResult>;
  close(): Promise<void>;
}

export interface SnapshotStore<T> {
  /** Atomic write: temp file + fsync + rename. */
  save(state: T): Promise<void>;
  load(): Promise<T | undefined>;
}
