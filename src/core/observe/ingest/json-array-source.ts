import type { SourceSummary } from '../../report/schema';
import type { FileAccess, FileIdentity } from '../../ports/files';
import type { InvalidRecord } from '../signal';
import type { IngestBatch, SourceKindName } from './ingest-batch';
import { scanJsonArray, type ScannedElement } from './json-array-scanner';
import { RecordNormaliser, type FieldMapping } from './normalise-record';
import { readRecord } from './read-record';
import type { SourceFile } from './source-file';
import { RECORDS_PER_SLICE, yieldNow } from './yield-now';

export interface JsonArraySourceOptions {
  readonly file: string;
  readonly absPath: string;
  readonly kind: SourceKindName;
  readonly files: FileAccess;
  readonly mapping?: FieldMapping;
}

interface JsonCursor {
  readonly format: 'json';
  readonly identity: FileIdentity;
  readonly keys: string[];
  readonly invalid: number;
}

/**
 * A JSON-array file. It cannot be tailed, so every change is a full re-parse (by design: NDJSON is the format for
 * files appended often). Records are keyed by id and occurrence (the 2nd "E7" in the file is `E7#2`), so a rewritten
 * file yields only the records it did not hold before, and a file with repeated ids is not collapsed.
 */
export class JsonArraySource implements SourceFile {
  readonly file: string;
  private readonly normaliser: RecordNormaliser;
  private seen: FileIdentity | undefined;
  private readonly emitted = new Set<string>();
  /** Problems of the latest parse, keyed so that an unchanged bad record is reported once, not at every rewrite. */
  private reported = new Set<string>();
  /** "The file ends early" problems held back while watching: a writer may be mid-write. */
  private deferred: InvalidRecord[] = [];
  private invalid = 0;
  private bytes = 0;

  constructor(private readonly options: JsonArraySourceOptions) {
    this.file = options.file;
    this.normaliser = new RecordNormaliser(options.kind === 'events' ? 'event' : 'ticket', options.mapping);
  }

  async poll(final: boolean): Promise<IngestBatch> {
    const batch: IngestBatch = { records: [], invalid: [] };
    const identity = await this.options.files.stat(this.options.absPath);
    if (!identity) {
      this.seen = undefined;
      return batch;
    }
    if (this.seen && sameIdentity(this.seen, identity)) {
      if (final) this.releaseDeferred(batch);
      return batch;
    }
    const bytes = await this.options.files.readFile(this.options.absPath);
    this.seen = identity;
    this.bytes = bytes.length;
    await this.parse(bytes.toString('utf8'), final, batch);
    return batch;
  }

  summary(): SourceSummary {
    return {
      file: this.file,
      kind: this.options.kind,
      format: 'json',
      records: this.emitted.size,
      invalid: this.invalid,
      bytes: this.bytes,
    };
  }

  cursor(): unknown {
    if (!this.seen) return undefined;
    const cursor: JsonCursor = { format: 'json', identity: this.seen, keys: [...this.emitted], invalid: this.invalid };
    return cursor;
  }

  async restore(cursor: unknown): Promise<void> {
    const c = cursor as Partial<JsonCursor> | undefined;
    if (!c || c.format !== 'json' || !Array.isArray(c.keys) || typeof c.identity?.size !== 'number') return;
    this.emitted.clear();
    for (const key of c.keys) if (typeof key === 'string') this.emitted.add(key);
    this.seen = { ino: Number(c.identity.ino), size: c.identity.size, mtimeMs: Number(c.identity.mtimeMs) };
    this.bytes = c.identity.size;
    this.invalid = typeof c.invalid === 'number' ? c.invalid : 0;
  }

  async close(): Promise<void> {
    // Nothing held open: the file is read whole at each change.
  }

  private async parse(text: string, final: boolean, batch: IngestBatch): Promise<void> {
    const scan = scanJsonArray(text);
    const problems: InvalidRecord[] = [];
    const deferred: InvalidRecord[] = [];
    for (const p of scan.problems) {
      const problem = { file: this.file, line: p.line, column: p.column, message: p.message };
      (p.incomplete && !final ? deferred : problems).push(problem);
    }
    const occurrences = new Map<string, number>();
    for (let i = 0; i < scan.elements.length; i++) {
      if (i > 0 && i % RECORDS_PER_SLICE === 0) await yieldNow();
      const element = scan.elements[i] as ScannedElement;
      const result = readRecord(this.file, element, this.normaliser, '', (offset) => scan.lines.positionOf(element.offset + offset));
      if (result.invalid) {
        problems.push(result.invalid);
        continue;
      }
      const n = (occurrences.get(result.record.id) ?? 0) + 1;
      occurrences.set(result.record.id, n);
      const key = n === 1 ? result.record.id : `${result.record.id}#${n}`;
      if (this.emitted.has(key)) continue;
      this.emitted.add(key);
      batch.records.push(result.record);
    }
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    const current = new Set<string>();
    for (const problem of problems) {
      const key = `${problem.line}:${problem.column}:${problem.message}`;
      current.add(key);
      if (!this.reported.has(key)) batch.invalid.push(problem);
    }
    this.reported = current;
    this.deferred = deferred;
    this.invalid = problems.length;
  }

  private releaseDeferred(batch: IngestBatch): void {
    for (const problem of this.deferred) {
      const key = `${problem.line}:${problem.column}:${problem.message}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      batch.invalid.push(problem);
      this.invalid++;
    }
    this.deferred = [];
  }
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}
