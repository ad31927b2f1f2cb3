import type { JournalEntry, JournalStore, JournalVerifyResult } from '../ports/journal';

export interface AuditExport {
  readonly exportedAt: number;
  readonly verify: JournalVerifyResult;
  readonly entries: JournalEntry[];
}

/**
 * `cosmos audit export`: every intact entry plus the verification result, so a reader of the export
 * knows whether the chain held. Entries carry no ticket text (Act and Memory never journal it).
 */
export async function exportAudit(journal: JournalStore, now: number): Promise<AuditExport> {
  const verify = await journal.verify();
  const entries: JournalEntry[] = [];
  for await (const e of journal.entries()) entries.push(e);
  return { exportedAt: now, verify, entries };
}
