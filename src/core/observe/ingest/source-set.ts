import * as path from 'node:path';
import picomatch from 'picomatch';
import type { CosmosConfig } from '../../config/config';
import type { FileAccess } from '../../ports/files';
import type { SourceSummary } from '../../report/schema';
import type { InvalidRecord } from '../signal';
import type { IngestBatch, SourceFormat, SourceKindName } from './ingest-batch';
import { JsonArraySource } from './json-array-source';
import { NdjsonSource } from './ndjson-source';
import type { TailerCursor } from './ndjson-tailer';
import type { SourceFile } from './source-file';
import { TimeMerge } from './time-merge';
import { fieldMappingOf, mappingFor, type SourceMapping } from './source-mappings';

export type { IngestBatch } from './ingest-batch';

/**
 * Bytes read per file per slice of a backlog (~2 k typical events): the loop's memory per batch stays small and
 * a host such as the extension gets the event loop back between slices. Measured (bench ingest, 1 M events):
 * 256 KB slices took the pipeline from 0.36× to 0.41× of the parse ceiling against 1 MB ones — a slice's records
 * die in the young generation instead of surviving a scavenge and being promoted. Smaller (64 KB) lose it again
 * to per-poll overhead.
 */
export const BACKLOG_SLICE_BYTES = 256 * 1024;

export interface SourceSetOptions {
  /** Absolute path of the data folder; source paths are relative to it. */
  readonly root: string;
  readonly files: FileAccess;
  readonly config: CosmosConfig;
  /** From `.cosmos/sources.json` (see loadSourceMappings). */
  readonly mappings?: readonly SourceMapping[];
  /** Largest single read; defaults to 256 KB (the tailer's DEFAULT_CHUNK, also its ceiling). Smaller values are for tests. */
  readonly chunkBytes?: number;
}

interface Classified {
  readonly kind: SourceKindName;
  readonly format: SourceFormat;
  readonly mapping: SourceMapping | undefined;
}

type Matcher = (file: string) => boolean;

/**
 * The event and ticket files of one data folder, read incrementally. This is what the loop calls: `discover()`
 * when the folder may have new files, `poll()` on every watcher hint, trailing re-check and safety poll. Calls are
 * serialised, so overlapping hints never read the same bytes twice. A poll returns records in file order (paths
 * sorted) then line order, so the same files always give the same batch.
 */
export class SourceSet {
  private readonly root: string;
  private readonly files: FileAccess;
  private readonly config: CosmosConfig;
  private readonly mappings: readonly SourceMapping[];
  private readonly isIgnored: Matcher;
  private readonly isEvents: Matcher;
  private readonly isTickets: Matcher;
  private readonly sources = new Map<string, SourceFile>();
  /** Cursors given to restore() and not yet applied (the file may not be discovered yet). */
  private readonly pendingCursors = new Map<string, unknown>();
  /** Slices of a budgeted backlog, handed over in event-time order across files. */
  private readonly merge = new TimeMerge();
  /** Last read failure per file, reported once until the file is readable again. */
  private readonly failures = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: SourceSetOptions) {
    this.root = path.resolve(options.root);
    this.files = options.files;
    this.config = options.config;
    this.mappings = options.mappings ?? [];
    const glob = (patterns: readonly string[]): Matcher =>
      patterns.length ? picomatch([...patterns], { dot: true }) : () => false;
    this.isIgnored = glob(this.config.sources.ignored);
    this.isEvents = glob(this.config.sources.events);
    this.isTickets = glob(this.config.sources.tickets);
  }

  /** Lists the folder again; returns the relative paths of sources not known before, sorted. */
  discover(): Promise<string[]> {
    return this.serialise(async () => {
      const found = (await this.files.list(this.root)).map(toSlashes).sort(byPath);
      const added: string[] = [];
      for (const file of found) {
        if (this.sources.has(file)) continue;
        const classified = this.classify(file);
        if (!classified) continue;
        const source = this.createSource(file, classified);
        if (source instanceof NdjsonSource) await this.resumeRenamed(file, source);
        this.sources.set(file, source);
        added.push(file);
      }
      await this.applyPendingCursors();
      return added;
    });
  }

  /**
   * Reads only what is new in every known source. `final`: a one-shot read, no more bytes will come.
   * `maxBytesPerFile`: read about that much per file and report `more`; across such slices the files are merged by
   * event time (see TimeMerge), so poll again until `more` is false before taking cursors().
   */
  poll(opts: { final?: boolean; maxBytesPerFile?: number } = {}): Promise<IngestBatch> {
    return this.serialise(async () => {
      await this.applyPendingCursors();
      const batch: IngestBatch = { records: [], invalid: [] };
      const files = this.sortedFiles();
      for (const file of files) {
        if (this.merge.isAhead(file)) continue;
        const source = this.sources.get(file) as SourceFile;
        let part: IngestBatch;
        try {
          part = await source.poll(opts.final === true, opts.maxBytesPerFile);
        } catch (error) {
          this.merge.stalled(file);
          this.reportFailure(file, error, batch.invalid);
          continue;
        }
        this.failures.delete(file);
        this.merge.offer(file, part.records, part.more === true);
        for (const invalid of part.invalid) batch.invalid.push(invalid);
      }
      const released = this.merge.release(files);
      batch.records = released.records;
      if (released.pending) batch.more = true;
      return batch;
    });
  }

  /** Per file, sorted by path. */
  summaries(): SourceSummary[] {
    return this.sortedFiles().map((file) => (this.sources.get(file) as SourceFile).summary());
  }

  /**
   * Plain JSON, by relative path; hand it back to restore() after a restart to resume without re-reading.
   * Exact between backlogs: while a budgeted poll still reports `more`, a file's cursor may be past records held
   * back for the time merge, so callers save cursors once a poll returns without `more` (the Agent does).
   */
  cursors(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [file, cursor] of this.pendingCursors) out[file] = cursor;
    for (const file of this.sortedFiles()) {
      const cursor = (this.sources.get(file) as SourceFile).cursor();
      if (cursor !== undefined) out[file] = cursor;
    }
    return out;
  }

  /** Applied before the next discover() or poll(); a cursor that no longer fits its file is ignored (file re-read). */
  restore(cursors: Record<string, unknown>): void {
    for (const file of Object.keys(cursors)) this.pendingCursors.set(file, cursors[file]);
  }

  /** Whether a watcher hint for this absolute path concerns a source (known, or one discover() would add). */
  isSource(absPath: string): boolean {
    const relative = path.relative(this.root, path.resolve(absPath));
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return false;
    const file = toSlashes(relative);
    return this.sources.has(file) || this.classify(file) !== undefined;
  }

  dispose(): Promise<void> {
    return this.serialise(async () => {
      this.disposed = true;
      for (const source of this.sources.values()) await source.close().catch(() => undefined);
      this.sources.clear();
    });
  }

  /**
   * A new path may be a file another source already reads, renamed (rotation to a name the patterns also
   * match, e.g. logrotate's `events-20260131.ndjson`): matched by inode, and by head fingerprint when resumed, it
   * continues from where that source was instead of being read twice from byte 0.
   */
  private async resumeRenamed(file: string, source: NdjsonSource): Promise<void> {
    const identity = await this.files.stat(path.join(this.root, ...file.split('/')));
    if (!identity) return;
    for (const [otherFile, other] of this.sources) {
      if (!(other instanceof NdjsonSource)) continue;
      let cursor: TailerCursor | undefined;
      if (other.followedInode() === identity.ino) {
        // Not noticed by the other source yet: it hands the file over and starts on its new path afresh.
        const atOther = await this.files.stat(path.join(this.root, ...otherFile.split('/')));
        if (atOther?.ino === identity.ino) continue; // a hard link, not a rename
        cursor = await other.handOver();
      } else if (other.retiredCursor()?.ino === identity.ino) {
        cursor = other.retiredCursor();
      }
      if (cursor) {
        await source.restore({ format: 'ndjson', records: 0, invalid: 0, tail: cursor });
        return;
      }
    }
  }

  private classify(file: string): Classified | undefined {
    if (this.isIgnored(file)) return undefined;
    const mapping = mappingFor(file, this.mappings);
    const kind: SourceKindName | undefined =
      mapping?.kind ?? (this.isEvents(file) ? 'events' : this.isTickets(file) ? 'tickets' : undefined);
    if (!kind) return undefined;
    const format = mapping?.format ?? formatOf(file);
    return format ? { kind, format, mapping } : undefined;
  }

  private createSource(file: string, { kind, format, mapping }: Classified): SourceFile {
    const common = {
      file,
      absPath: path.join(this.root, ...file.split('/')),
      kind,
      files: this.files,
      mapping: fieldMappingOf(mapping),
    };
    return format === 'json'
      ? new JsonArraySource(common)
      : new NdjsonSource({ ...common, maxLineBytes: this.config.sources.maxLineBytes, chunkBytes: this.options.chunkBytes });
  }

  private async applyPendingCursors(): Promise<void> {
    for (const [file, cursor] of [...this.pendingCursors]) {
      const source = this.sources.get(file);
      if (!source) continue;
      this.pendingCursors.delete(file);
      await source.restore(cursor);
    }
  }

  private reportFailure(file: string, error: unknown, invalid: InvalidRecord[]): void {
    const message = `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
    if (this.failures.get(file) === message) return;
    this.failures.set(file, message);
    invalid.push({ file, line: 1, column: 1, message });
  }

  private sortedFiles(): string[] {
    return [...this.sources.keys()].sort(byPath);
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.disposed) throw new Error('SourceSet is disposed');
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function formatOf(file: string): SourceFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return undefined;
}

function toSlashes(file: string): string {
  return file.split(path.sep).join('/').split('\\').join('/');
}

/** Code-unit order, not locale order: the same on every machine. */
function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
