import type { SourceSummary } from '../../report/schema';
import type { FileAccess } from '../../ports/files';
import type { InvalidRecord } from '../signal';
import type { IngestBatch, SourceKindName } from './ingest-batch';
import type { NdjsonLine } from './ndjson-splitter';
import { NdjsonTailer, type TailerCursor, type TailLine } from './ndjson-tailer';
import { RecordNormaliser, type FieldMapping } from './normalise-record';
import { readRecordInto } from './read-record';
import type { SourceFile } from './source-file';
import { RECORDS_PER_SLICE, yieldNow } from './yield-now';

export interface NdjsonSourceOptions {
  readonly file: string;
  readonly absPath: string;
  readonly kind: SourceKindName;
  readonly files: FileAccess;
  readonly maxLineBytes: number;
  readonly mapping?: FieldMapping;
  readonly chunkBytes?: number;
}

/** An NDJSON file: appended lines are read once each, through the tailer's byte cursor. */
export class NdjsonSource implements SourceFile {
  readonly file: string;
  private readonly tailer: NdjsonTailer;
  private readonly normaliser: RecordNormaliser;
  private records = 0;
  private invalid = 0;
  private bytes = 0;

  constructor(private readonly options: NdjsonSourceOptions) {
    this.file = options.file;
    this.normaliser = new RecordNormaliser(options.kind === 'events' ? 'event' : 'ticket', options.mapping);
    this.tailer = new NdjsonTailer(options.absPath, options.files, {
      maxLineBytes: options.maxLineBytes,
      chunkBytes: options.chunkBytes,
    });
  }

  async poll(final: boolean, budgetBytes?: number): Promise<IngestBatch> {
    const out = await this.tailer.poll(final, budgetBytes);
    const batch: IngestBatch = { records: [], invalid: [], ...(out.more && { more: true }) };
    for (const problem of out.problems) batch.invalid.push({ file: this.file, ...problem });
    for (let i = 0; i < out.lines.length; i++) {
      if (i > 0 && i % RECORDS_PER_SLICE === 0) await yieldNow();
      const line = out.lines[i] as TailLine;
      this.take(line, batch, line.unterminated ? 'incomplete last line (no newline at the end): ' : '');
    }
    // Line numbers only restart when the file was replaced within the poll; otherwise report in line order.
    if (out.restarts.length === 0) sortByLine(batch.invalid);
    this.records += batch.records.length;
    this.invalid += batch.invalid.length;
    this.bytes = this.tailer.cursor()?.offset ?? this.bytes;
    return batch;
  }

  summary(): SourceSummary {
    return { file: this.file, kind: this.options.kind, format: 'ndjson', records: this.records, invalid: this.invalid, bytes: this.bytes };
  }

  cursor(): unknown {
    const tail = this.tailer.cursor();
    return { format: 'ndjson', records: this.records, invalid: this.invalid, ...(tail && { tail }) };
  }

  async restore(cursor: unknown): Promise<void> {
    const c = cursor as { format?: unknown; records?: unknown; invalid?: unknown; tail?: TailerCursor } | undefined;
    if (!c || c.format !== 'ndjson' || !isTailerCursor(c.tail)) return;
    this.records = typeof c.records === 'number' ? c.records : 0;
    this.invalid = typeof c.invalid === 'number' ? c.invalid : 0;
    this.bytes = c.tail.offset;
    await this.tailer.restore(c.tail);
  }

  async close(): Promise<void> {
    await this.tailer.close();
  }

  /** The inode followed now, and the cursor of the file left behind at the last rotation (see SourceSet.discover). */
  followedInode(): number {
    return this.tailer.followedInode;
  }

  retiredCursor(): TailerCursor | undefined {
    return this.tailer.retired();
  }

  handOver(): Promise<TailerCursor | undefined> {
    return this.tailer.handOver();
  }

  private take(line: NdjsonLine, batch: IngestBatch, prefix: string): void {
    readRecordInto(batch, this.file, line, this.normaliser, prefix);
  }
}

function sortByLine(invalid: InvalidRecord[]): void {
  invalid.sort((a, b) => a.line - b.line || a.column - b.column);
}

function isTailerCursor(value: unknown): value is TailerCursor {
  const c = value as Partial<TailerCursor> | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.ino === 'number' &&
    typeof c.offset === 'number' &&
    c.offset >= 0 &&
    typeof c.splitter?.line === 'number' &&
    typeof c.head?.hash === 'string' &&
    typeof c.head.length === 'number'
  );
}
