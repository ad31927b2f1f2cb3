import type { JournalEntry, JournalEntryType, JournalStore } from '../ports/journal';
import type { Incident } from '../report/schema';
import type { Calibration } from './calibration';
import { incidentEntryData, type OutcomeEntryData, type OutcomeKind } from './entries';
import { MemoryIndex } from './memory-index';

export class UnknownIncidentError extends Error {
  constructor(readonly incidentId: string) {
    super(`There is no incident ${incidentId} in the journal.`);
    this.name = 'UnknownIncidentError';
  }
}

/**
 * The journal plus the index folded from it. Everything the loop remembers goes through `append`, so
 * the index always equals a fold of the journal and can be rebuilt from it at any start.
 */
export class Memory {
  readonly index = new MemoryIndex();

  constructor(readonly journal: JournalStore) {}

  /** Reads the whole journal once, folds it into the index, and returns the entries for other folds (approvals, actions). */
  async load(): Promise<JournalEntry[]> {
    const all: JournalEntry[] = [];
    for await (const e of this.journal.entries()) {
      this.index.apply(e);
      all.push(e);
    }
    return all;
  }

  async append(type: JournalEntryType, data: Record<string, unknown>): Promise<JournalEntry> {
    const entry = await this.journal.append(type, data);
    this.index.apply(entry);
    return entry;
  }

  /** Journals the incident's summary after a reasoning pass (what queries and trends use). */
  recordIncident(incident: Incident): Promise<JournalEntry> {
    return this.append('incident', incidentEntryData(incident));
  }

  /**
   * Records what a person found: the outcome is credited to the rule behind the incident's chosen
   * hypothesis at that time, which is what per-rule precision and calibration count.
   */
  async recordOutcome(incidentId: string, outcome: OutcomeKind, by: string, note?: string): Promise<OutcomeEntryData> {
    const incident = this.index.incident(incidentId);
    if (!incident) throw new UnknownIncidentError(incidentId);
    const data: OutcomeEntryData = {
      incidentId,
      outcome,
      by,
      ...(incident.ruleId ? { ruleId: incident.ruleId } : {}),
      ...(incident.cause ? { cause: incident.cause } : {}),
      fingerprint: incident.fingerprint,
      ...(note ? { note: note.slice(0, 500) } : {}),
    };
    await this.append('outcome', data);
    return data;
  }

  calibrate(ruleId: string, raw: number): Calibration | undefined {
    return this.index.calibrate(ruleId, raw);
  }
}
