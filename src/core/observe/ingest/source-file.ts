import type { SourceSummary } from '../../report/schema';
import type { IngestBatch } from './ingest-batch';

/** One event or ticket file, read incrementally. Implemented per format (ndjson-source.ts, json-array-source.ts). */
export interface SourceFile {
  /** Path relative to the data folder, with `/`. */
  readonly file: string;
  /** `budgetBytes`: stop reading after about this many bytes and report `more` (bounded memory per batch). */
  poll(final: boolean, budgetBytes?: number): Promise<IngestBatch>;
  summary(): SourceSummary;
  /** Plain JSON describing how far the file was read. */
  cursor(): unknown;
  restore(cursor: unknown): Promise<void>;
  close(): Promise<void>;
}
