import type { FileAccess, FileIdentity, OpenFile } from '../../ports/files';
import { fingerprintHead, HEAD_BYTES, type HeadFingerprint } from './head-fingerprint';
import { NdjsonSplitter, type NdjsonLine, type NdjsonProblem, type SplitterState } from './ndjson-splitter';

/**
 * Follows one NDJSON file by byte offset, as measured in ENGINEERING.md ("Watching and tailing files"):
 * watcher events are only hints, so every poll fstat()s the open handle and reads [offset, size) in bounded
 * chunks. A shrunken file or a changed head means truncated/replaced (restart at 0); a different inode at the
 * path means rotated (drain the old handle, then open the new file). Cost per poll is O(new bytes): two stats,
 * plus a 256-byte head read when the file changed.
 */
export interface TailerCursor {
  readonly ino: number;
  /** Byte offset of the first byte not yet turned into a complete line. */
  readonly offset: number;
  readonly splitter: SplitterState;
  readonly head: HeadFingerprint;
}

export type RestartReason = 'truncated' | 'replaced' | 'rotated' | 'deleted';

export interface TailLine extends NdjsonLine {
  /** A last line that will never get its newline (one-shot read, or the old file after a rotation). */
  readonly unterminated?: boolean;
}

export interface TailOutput {
  /** Lines in the order read. */
  readonly lines: TailLine[];
  readonly problems: NdjsonProblem[];
  /** What happened to the file during this poll, in order. */
  readonly restarts: RestartReason[];
  /** The byte budget ran out before the end of the file. */
  more?: boolean;
}

export interface TailerOptions {
  readonly maxLineBytes: number;
  /** Largest single read; ENGINEERING.md: ≤ 1 MB. */
  readonly chunkBytes?: number;
}

/**
 * 256 KB: a slice's records are processed before the young generation fills, so they die young instead of being
 * copied and promoted (bench ingest: 1 MB chunks 0.36×, 256 KB 0.41× of the parse ceiling, before prefetching).
 */
const DEFAULT_CHUNK = 256 * 1024;

/** A read started ahead of the next poll (see readNew). */
interface Prefetch {
  readonly handle: OpenFile;
  readonly offset: number;
  readonly bytes: Promise<Buffer>;
}

export class NdjsonTailer {
  private handle: OpenFile | undefined;
  private ino = -1;
  private offset = 0;
  private splitter: NdjsonSplitter;
  private head: HeadFingerprint = fingerprintHead(new Uint8Array(0));
  /** The first bytes as read, while the file is shorter than HEAD_BYTES; undefined after a restore. */
  private headBytes: Buffer | undefined = Buffer.alloc(0);
  private lastSeen: Pick<FileIdentity, 'size' | 'mtimeMs'> | undefined;
  private pendingRestore: TailerCursor | undefined;
  private retiredCursor: TailerCursor | undefined;
  private readonly chunkBytes: number;
  private prefetched: Prefetch | undefined;

  constructor(
    private readonly path: string,
    private readonly files: FileAccess,
    private readonly options: TailerOptions,
  ) {
    this.chunkBytes = Math.max(1, Math.min(options.chunkBytes ?? DEFAULT_CHUNK, DEFAULT_CHUNK));
    this.splitter = new NdjsonSplitter(options.maxLineBytes);
  }

  /** Reads what was appended since the last poll. `final`: no more bytes will come, take an unterminated last line. */
  async poll(final = false, budgetBytes = Number.POSITIVE_INFINITY): Promise<TailOutput> {
    const out: TailOutput = { lines: [], problems: [], restarts: [] };
    if (!this.handle && !(await this.openAtPath())) return out;
    if (!(await this.readNew(out, budgetBytes))) {
      // Budget spent with bytes left: the caller polls again at once; rotation and the final line wait for the end.
      out.more = true;
      return out;
    }

    const atPath = await this.files.stat(this.path);
    if (!atPath || atPath.ino !== this.ino) {
      // Rotated or deleted: the old file will not grow any more once the writer moves on. Drain it, then its
      // unfinished last line is final.
      await this.readNew(out);
      this.takeUnterminated(out);
      out.restarts.push(atPath ? 'rotated' : 'deleted');
      // Where the rotated-away file was left: if it reappears under a name that is itself a source
      // (logrotate's dateext), that source resumes here instead of reading it again from the start.
      this.retiredCursor = this.cursor();
      await this.closeHandle();
      this.resetPosition();
      if (atPath && (await this.openAtPath())) await this.readNew(out);
    }
    if (final) this.takeUnterminated(out);
    return out;
  }

  /** Where to resume after a restart of the program; undefined before the file was first opened. */
  cursor(): TailerCursor | undefined {
    if (this.pendingRestore) return this.pendingRestore;
    if (this.ino === -1) return undefined;
    return {
      ino: this.ino,
      offset: this.offset - this.splitter.pendingBytes,
      splitter: this.splitter.state(),
      head: this.head,
    };
  }

  /** The file this tailer read last before a rotation, and how far (see poll()). */
  retired(): TailerCursor | undefined {
    return this.retiredCursor;
  }

  /** The inode being followed now (-1 before the file was opened). */
  get followedInode(): number {
    return this.pendingRestore?.ino ?? this.ino;
  }

  /**
   * Hands the file being followed over to another reader (it was renamed to another source's path): returns the
   * cursor to resume from there, and starts this tailer afresh on whatever file is at its path now.
   */
  async handOver(): Promise<TailerCursor | undefined> {
    const cursor = this.cursor();
    await this.closeHandle();
    this.resetPosition();
    this.ino = -1;
    this.pendingRestore = undefined;
    return cursor;
  }

  /** Resume from a cursor at the next poll, if the file there is still the same file (inode and head). */
  async restore(cursor: TailerCursor): Promise<void> {
    await this.closeHandle();
    this.resetPosition();
    this.pendingRestore = cursor;
  }

  async close(): Promise<void> {
    await this.closeHandle();
  }

  private async openAtPath(): Promise<boolean> {
    if (!(await this.files.stat(this.path))) return false;
    let handle: OpenFile;
    try {
      handle = await this.files.open(this.path);
    } catch (error) {
      // Deleted between stat and open: same as not there yet.
      if ((error as { code?: string }).code === 'ENOENT') return false;
      throw error;
    }
    const identity = await handle.stat();
    this.handle = handle;
    this.ino = identity.ino;
    const restore = this.pendingRestore;
    this.pendingRestore = undefined;
    if (restore && (await this.canResume(handle, identity, restore))) {
      this.offset = restore.offset;
      this.splitter = new NdjsonSplitter(this.options.maxLineBytes, restore.splitter);
      this.head = restore.head;
      this.headBytes = undefined;
    }
    return true;
  }

  private async canResume(handle: OpenFile, identity: FileIdentity, cursor: TailerCursor): Promise<boolean> {
    if (cursor.ino !== identity.ino || cursor.offset > identity.size) return false;
    const head = await handle.read(0, cursor.head.length);
    return sameHead(fingerprintHead(head), cursor.head);
  }

  /** Reads [offset, size) up to `budgetBytes`; false when it stopped at the budget with bytes left. */
  private async readNew(out: TailOutput, budgetBytes = Number.POSITIVE_INFINITY): Promise<boolean> {
    const handle = this.handle;
    if (!handle) return true;
    const identity = await handle.stat();
    const unchanged =
      this.lastSeen !== undefined &&
      identity.size === this.lastSeen.size &&
      identity.mtimeMs === this.lastSeen.mtimeMs &&
      identity.size === this.offset;
    if (unchanged) return true;

    if (identity.size < this.offset) {
      out.restarts.push('truncated');
      this.resetPosition();
    } else if (this.head.length > 0 && !sameHead(fingerprintHead(await handle.read(0, this.head.length)), this.head)) {
      out.restarts.push('replaced');
      this.resetPosition();
    }

    let read = 0;
    while (this.offset < identity.size) {
      if (read >= budgetBytes) {
        this.prefetch(handle, identity.size);
        return false;
      }
      const length = Math.min(this.chunkBytes, identity.size - this.offset);
      const chunk = await this.readChunk(handle, length);
      if (chunk.length === 0) break;
      this.rememberHead(chunk);
      this.splitter.push(chunk, out);
      this.offset += chunk.length;
      read += chunk.length;
    }
    await this.completeHead(handle);
    this.lastSeen = { size: identity.size, mtimeMs: identity.mtimeMs };
    return true;
  }

  /**
   * The budget ran out with bytes left: the caller polls again at once, so the next chunk is read now, while
   * the records of this slice are processed (a backlog drain otherwise waits for every read in turn).
   */
  private prefetch(handle: OpenFile, size: number): void {
    const bytes = handle.read(this.offset, Math.min(this.chunkBytes, size - this.offset));
    // Never unhandled: a failure surfaces when (and only if) the next poll takes these bytes.
    bytes.catch(() => undefined);
    this.prefetched = { handle, offset: this.offset, bytes };
  }

  /** The chunk at the current offset: the prefetched one when it was read from this handle at this offset. */
  private readChunk(handle: OpenFile, length: number): Promise<Buffer> {
    const ahead = this.prefetched;
    this.prefetched = undefined;
    if (ahead !== undefined && ahead.handle === handle && ahead.offset === this.offset) return ahead.bytes;
    return handle.read(this.offset, length);
  }

  /** Keeps the first HEAD_BYTES bytes from the chunks as they pass, so fingerprinting costs no extra read. */
  private rememberHead(chunk: Buffer): void {
    if (this.headBytes === undefined || this.offset >= HEAD_BYTES || this.offset !== this.headBytes.length) return;
    const take = chunk.subarray(0, HEAD_BYTES - this.offset);
    this.headBytes = Buffer.concat([this.headBytes, take]);
    this.head = fingerprintHead(this.headBytes);
  }

  /** After a restore the head bytes are not in memory: re-read them once if the fingerprint can still grow. */
  private async completeHead(handle: OpenFile): Promise<void> {
    if (this.headBytes !== undefined || this.head.length >= HEAD_BYTES || this.offset <= this.head.length) return;
    this.headBytes = await handle.read(0, Math.min(HEAD_BYTES, this.offset));
    this.head = fingerprintHead(this.headBytes);
  }

  private takeUnterminated(out: TailOutput): void {
    const partial = this.splitter.takePartial();
    if (partial) out.lines.push({ ...partial, unterminated: true });
  }

  private resetPosition(): void {
    this.prefetched = undefined;
    this.offset = 0;
    this.splitter = new NdjsonSplitter(this.options.maxLineBytes);
    this.head = fingerprintHead(new Uint8Array(0));
    this.headBytes = Buffer.alloc(0);
    this.lastSeen = undefined;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.prefetched = undefined;
    // FileHandle.close() waits for a prefetch still in flight on it.
    if (handle) await handle.close();
  }
}

function sameHead(a: HeadFingerprint, b: HeadFingerprint): boolean {
  return a.length === b.length && a.hash === b.hash;
}
