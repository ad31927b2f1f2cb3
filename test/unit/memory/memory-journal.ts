import type { JournalEntry, JournalEntryType, JournalStore, JournalVerifyResult } from '../../../src/core/ports/journal';

/** In-memory JournalStore for tests of folds; can be told to fail the n-th append (a full disk). */
export class MemoryJournal implements JournalStore {
  readonly list: JournalEntry[] = [];
  failAt: number | undefined;

  constructor(private clock: () => number = () => 1_700_000_000_000) {}

  async append(type: JournalEntryType, data: Record<string, unknown>): Promise<JournalEntry> {
    await Promise.resolve();
    if (this.failAt !== undefined && this.list.length + 1 === this.failAt) throw new Error('disk full');
    const e: JournalEntry = { seq: this.list.length + 1, at: this.clock(), type, data: JSON.parse(JSON.stringify(data)) };
    this.list.push(e);
    return e;
  }

  async *entries(): AsyncIterable<JournalEntry> {
    yield* this.list;
  }

  async verify(): Promise<JournalVerifyResult> {
    return { ok: true, entries: this.list.length, tornTailDropped: false };
  }

  async close(): Promise<void> {}

  ofType(type: JournalEntryType): Record<string, unknown>[] {
    return this.list.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);
  }
}
