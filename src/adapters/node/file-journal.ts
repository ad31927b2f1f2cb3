import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { ChainChecker, GENESIS_HASH, decodeLine, encodeEntry } from '../../core/memory/journal-codec';
import { systemClock, type Clock } from '../../core/ports/clock';
import type { JournalEntry, JournalEntryType, JournalStore, JournalVerifyResult } from '../../core/ports/journal';

export interface FileJournalOptions {
  /** `fdatasync` (default): an append resolves only once its line is on disk. `none`: tests and benchmarks only. */
  readonly sync?: 'fdatasync' | 'none';
  /**
   * Group commit: up to this many queued appends share one write and one fdatasync. 1 (default) syncs
   * every append on its own; larger values trade nothing in safety (each append still resolves only
   * after its sync) for throughput under concurrent appends.
   */
  readonly groupCommit?: number;
  readonly clock?: Clock;
  /** Inspect without repairing: a torn tail is reported but not truncated, and appends are refused. */
  readonly readOnly?: boolean;
  /**
   * Take the writer lock (`<journal>.lock`, holding the pid), default true: two writers would interleave
   * their hash chains. A lock left by a dead process (kill -9) is taken over.
   */
  readonly lock?: boolean;
}

export class JournalLockedError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`the journal ${path} is in use by another COSMOS process (pid ${pid}); use that instance, or stop it first`);
    this.name = 'JournalLockedError';
  }
}

export interface TornTail {
  /** Byte offset where the dropped bytes began (the file now ends there). */
  readonly offset: number;
  readonly bytes: number;
  readonly line: number;
  readonly problem: string;
}

export interface JournalOpenReport {
  readonly entries: number;
  /** A torn last line (crash mid-append) that was detected and cut away at open. */
  readonly tornTail?: TornTail;
  /** Damaged lines that are not the tail: left in place and reported by `verify()`. */
  readonly damagedLines: readonly { line: number; problem: string }[];
}

export interface FileJournalVerifyResult extends JournalVerifyResult {
  /** 1-based line of the first problem. */
  readonly line?: number;
  readonly tornTail?: TornTail;
}

interface ScannedLine {
  readonly text: string;
  readonly start: number;
  /** Offset just past the line's newline (or end of file for an unterminated line). */
  readonly end: number;
  readonly terminated: boolean;
  readonly lineNo: number;
}

interface Pending {
  readonly type: JournalEntryType;
  readonly data: Record<string, unknown>;
  readonly resolve: (e: JournalEntry) => void;
  readonly reject: (err: unknown) => void;
}

const CHUNK = 1 << 20;

/**
 * The append-only audit journal as a JSON-lines file (framing in core/memory/journal-codec.ts). Appends
 * go through one queue to an `O_APPEND` descriptor and are never rewritten, so an append costs the same
 * with 100 or 100,000 entries; a crash can only tear the last line, which `open()` detects and cuts.
 */
export class FileJournal implements JournalStore {
  private queue: Pending[] = [];
  private flushing = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private fd: fsp.FileHandle | undefined,
    private size: number,
    private lastSeq: number,
    private lastHash: string,
    readonly recovery: JournalOpenReport,
    private readonly options: Required<Pick<FileJournalOptions, 'sync' | 'groupCommit' | 'clock' | 'readOnly'>>,
    private readonly lockPath: string | undefined,
  ) {}

  static async open(path: string, options: FileJournalOptions = {}): Promise<FileJournal> {
    const opts = { sync: options.sync ?? 'fdatasync', groupCommit: Math.max(1, options.groupCommit ?? 1), clock: options.clock ?? systemClock, readOnly: options.readOnly ?? false } as const;
    let lockPath: string | undefined;
    if (!opts.readOnly) {
      await fsp.mkdir(dirname(path), { recursive: true });
      if (options.lock ?? true) lockPath = await acquireLock(`${path}.lock`, path);
    }
    try {
      return await FileJournal.openLocked(path, opts, lockPath);
    } catch (err) {
      if (lockPath) await fsp.rm(lockPath, { force: true });
      throw err;
    }
  }

  private static async openLocked(
    path: string,
    opts: Required<Pick<FileJournalOptions, 'sync' | 'groupCommit' | 'clock' | 'readOnly'>>,
    lockPath: string | undefined,
  ): Promise<FileJournal> {
    let lastGood: { end: number; seq: number; hash: string } = { end: 0, seq: 0, hash: GENESIS_HASH };
    let entries = 0;
    let badTail: { line: ScannedLine; problem: string }[] = [];
    const damaged: { line: number; problem: string }[] = [];
    let fileSize = 0;
    const exists = await fsp.stat(path).then(
      (s) => s,
      () => undefined,
    );
    if (exists) {
      fileSize = exists.size;
      for await (const line of scanLines(path, fileSize)) {
        const d = line.terminated ? decodeLine(line.text) : { ok: false as const, problem: 'last line has no newline (torn write)' };
        if (d.ok) {
          for (const b of badTail) damaged.push({ line: b.line.lineNo, problem: b.problem });
          badTail = [];
          lastGood = { end: line.end, seq: d.entry.seq, hash: d.hash };
          entries++;
        } else {
          badTail.push({ line, problem: d.problem });
        }
      }
    }

    let tornTail: TornTail | undefined;
    // Only a single bad last line is a crash artefact; several bad lines at the end are damage to report, not to cut.
    if (badTail.length === 1) {
      const b = badTail[0]!;
      tornTail = { offset: lastGood.end, bytes: fileSize - lastGood.end, line: b.line.lineNo, problem: b.problem };
    } else {
      for (const b of badTail) damaged.push({ line: b.line.lineNo, problem: b.problem });
    }

    let fd: fsp.FileHandle | undefined;
    let size = fileSize;
    if (!opts.readOnly) {
      if (tornTail) {
        const h = await fsp.open(path, 'r+');
        try {
          await h.truncate(tornTail.offset);
          await h.sync();
        } finally {
          await h.close();
        }
        size = tornTail.offset;
      }
      fd = await fsp.open(path, 'a');
      if (!exists) await fsyncDir(dirname(path));
    }
    return new FileJournal(path, fd, size, lastGood.seq, lastGood.hash, { entries, tornTail, damagedLines: damaged }, opts, lockPath);
  }

  append(type: JournalEntryType, data: Record<string, unknown>): Promise<JournalEntry> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`));
    if (this.options.readOnly || !this.fd) return Promise.reject(new Error(`journal ${this.path} was opened read-only`));
    return new Promise<JournalEntry>((resolve, reject) => {
      this.queue.push({ type, data, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.groupCommit);
        let seq = this.lastSeq;
        let hash = this.lastHash;
        const lines: string[] = [];
        const made: JournalEntry[] = [];
        const ready: Pending[] = [];
        for (const p of batch) {
          let line: string;
          let entry: JournalEntry;
          try {
            entry = { seq: seq + 1, at: this.options.clock.now(), type: p.type, data: p.data };
            const enc = encodeEntry(entry, hash);
            line = enc.line;
            hash = enc.hash;
          } catch (err) {
            p.reject(new Error(`journal entry of type ${p.type} cannot be serialised: ${err instanceof Error ? err.message : String(err)}`));
            continue;
          }
          seq++;
          lines.push(line);
          made.push(entry);
          ready.push(p);
        }
        if (ready.length === 0) continue;
        const bytes = Buffer.from(lines.join(''), 'utf8');
        try {
          await writeAll(this.fd!, bytes);
          if (this.options.sync === 'fdatasync') await this.fd!.datasync();
        } catch (err) {
          // Cut whatever part of the batch reached the file, so the next append continues a clean chain.
          await this.fd!.truncate(this.size).catch(() => undefined);
          for (const p of ready) p.reject(err);
          continue;
        }
        this.size += bytes.length;
        this.lastSeq = seq;
        this.lastHash = hash;
        ready.forEach((p, i) => p.resolve(made[i]!));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Every intact entry in order (damaged lines are skipped; `verify()` reports them). */
  async *entries(): AsyncIterable<JournalEntry> {
    for await (const line of scanLines(this.path, this.size)) {
      if (!line.terminated) continue;
      const d = decodeLine(line.text);
      if (d.ok) yield d.entry;
    }
  }

  async readAll(): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    for await (const e of this.entries()) out.push(e);
    return out;
  }

  /** Walks the whole file: framing, checksums, sequence and hash chain. Reports the first broken line. */
  async verify(): Promise<FileJournalVerifyResult> {
    const chain = new ChainChecker();
    const torn = this.recovery.tornTail;
    const base = { tornTailDropped: torn !== undefined && !this.options.readOnly, tornTail: torn };
    for await (const line of scanLines(this.path, this.size)) {
      if (!line.terminated) {
        return { ok: false, entries: chain.count, ...base, line: line.lineNo, problem: `line ${line.lineNo}: last line has no newline (torn write not yet repaired)` };
      }
      const d = decodeLine(line.text);
      const problem = d.ok ? chain.check(d) : d.problem;
      if (problem) return { ok: false, entries: chain.count, ...base, line: line.lineNo, problem: `line ${line.lineNo}: ${problem}` };
    }
    return { ok: true, entries: chain.count, ...base };
  }

  /** Last acknowledged sequence number. */
  get seq(): number {
    return this.lastSeq;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setImmediate(r));
    await this.fd?.close();
    this.fd = undefined;
    if (this.lockPath) await fsp.rm(this.lockPath, { force: true });
  }
}

/** Exclusive create of the lock file; a lock whose pid is gone is stale and taken over. */
async function acquireLock(lockPath: string, journalPath: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const h = await fsp.open(lockPath, 'wx');
      await h.writeFile(String(process.pid));
      await h.close();
      return lockPath;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await fsp.readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new JournalLockedError(journalPath, pid);
    if (pid === process.pid) throw new JournalLockedError(journalPath, pid);
    await fsp.rm(lockPath, { force: true });
  }
  throw new Error(`could not take the journal lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function writeAll(fd: fsp.FileHandle, bytes: Buffer): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await fd.write(bytes, off, bytes.length - off);
    off += bytesWritten;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  // Directory fsync makes a create or rename durable; some platforms (Windows) refuse to open directories.
  let h: fsp.FileHandle | undefined;
  try {
    h = await fsp.open(dir, 'r');
    await h.sync();
  } catch {
    // Best effort.
  } finally {
    await h?.close().catch(() => undefined);
  }
}

/** Lines of `[0, end)` of a file, read in 1 MB chunks; bytes are split on `\n` before UTF-8 decoding. */
async function* scanLines(path: string, end: number): AsyncGenerator<ScannedLine> {
  const h = await fsp.open(path, 'r');
  try {
    let pos = 0;
    let carry: Buffer = Buffer.alloc(0);
    let carryStart = 0;
    let lineNo = 0;
    while (pos < end) {
      const want = Math.min(CHUNK, end - pos);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await h.read(buf, 0, want, pos);
      if (bytesRead === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      const dataStart = carry.length > 0 ? carryStart : pos;
      pos += bytesRead;
      let from = 0;
      for (let nl = data.indexOf(10, from); nl !== -1; nl = data.indexOf(10, from)) {
        lineNo++;
        yield { text: data.toString('utf8', from, nl), start: dataStart + from, end: dataStart + nl + 1, terminated: true, lineNo };
        from = nl + 1;
      }
      carry = Buffer.from(data.subarray(from));
      carryStart = dataStart + from;
    }
    if (carry.length > 0) {
      lineNo++;
      yield { text: carry.toString('utf8'), start: carryStart, end: carryStart + carry.length, terminated: false, lineNo };
    }
  } finally {
    await h.close();
  }
}
