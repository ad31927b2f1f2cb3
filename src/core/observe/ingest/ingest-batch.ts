import type { InvalidRecord, SignalRecord } from '../signal';

/** What one poll of the sources took in: valid records in file then line order, and the records it skipped. */
export interface IngestBatch {
  records: SignalRecord[];
  invalid: InvalidRecord[];
  /** The poll stopped at its byte budget: more is already there to read (poll again before waiting). */
  more?: boolean;
}

export type SourceKindName = 'events' | 'tickets';
export type SourceFormat = 'json' | 'ndjson';
