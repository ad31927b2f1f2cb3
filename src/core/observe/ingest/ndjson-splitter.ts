/**
 * Splits NDJSON bytes into lines as they arrive. It works on bytes, not strings, so a UTF-8 character cut in two
 * by a chunk boundary is joined before decoding (0x0A never occurs inside a multi-byte UTF-8 sequence). A line
 * without its newline yet is kept until the newline arrives: a writer mid-append is not an error.
 */
export interface NdjsonLine {
  /** Decoded line without the line ending (and without a leading BOM on line 1). */
  readonly text: string;
  readonly line: number;
  /** 1-based column of the first non-blank character. */
  readonly column: number;
}

export interface NdjsonProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface SplitterState {
  /** Line number of the line now being read. */
  readonly line: number;
  /** Inside an oversize line: bytes are dropped until its newline. */
  readonly skipping: boolean;
  /** The current line was already taken without its newline (one-shot mode): the newline only closes it. */
  readonly midLine: boolean;
  /** No byte of the file has been read yet (a BOM can only be at the very start). */
  readonly atFileStart: boolean;
}

export interface SplitOutput {
  readonly lines: NdjsonLine[];
  readonly problems: NdjsonProblem[];
}

const NEWLINE = 0x0a;

export class NdjsonSplitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private line: number;
  private skipping: boolean;
  private midLine: boolean;
  private lineAtFileStart: boolean;

  constructor(
    private readonly maxLineBytes: number,
    state: SplitterState = { line: 1, skipping: false, midLine: false, atFileStart: true },
  ) {
    this.line = state.line;
    this.skipping = state.skipping;
    this.midLine = state.midLine;
    this.lineAtFileStart = state.atFileStart;
  }

  /** Bytes of the unfinished last line held in memory (0 while skipping an oversize line). */
  get pendingBytes(): number {
    return this.pendingLength;
  }

  /** State at the start of the pending line: with the byte offset of that line it is enough to resume. */
  state(): SplitterState {
    return { line: this.line, skipping: this.skipping, midLine: this.midLine, atFileStart: this.lineAtFileStart };
  }

  push(chunk: Buffer, out: SplitOutput): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        if (start < chunk.length) this.keep(chunk.subarray(start), out);
        return;
      }
      this.endLine(chunk.subarray(start, nl), out);
      start = nl + 1;
    }
  }

  /**
   * Hands over the unfinished last line, for one-shot reads and for a rotated file's old handle, where no newline
   * will ever come. Later bytes on the same line only close it.
   */
  takePartial(): NdjsonLine | undefined {
    if (this.pendingLength === 0 || this.skipping) return undefined;
    const bytes = this.takePending(Buffer.alloc(0));
    const decoded = this.decode(bytes);
    if (decoded.text.trim() === '') return undefined;
    this.midLine = true;
    return decoded;
  }

  private keep(part: Buffer, out: SplitOutput): void {
    if (this.skipping) return;
    if (this.pendingLength + part.length > this.maxLineBytes) {
      this.oversize(out);
      this.pending = [];
      this.pendingLength = 0;
      this.skipping = true;
      return;
    }
    // Copy: the chunk is a large read buffer that should not be kept alive by a few bytes.
    this.pending.push(Buffer.from(part));
    this.pendingLength += part.length;
  }

  private endLine(part: Buffer, out: SplitOutput): void {
    if (this.skipping) {
      this.skipping = false;
      this.nextLine();
      return;
    }
    const bytes = this.takePending(part);
    if (this.midLine) {
      this.midLine = false;
      const rest = bytes.toString('utf8').trim();
      if (rest) {
        out.problems.push({
          line: this.line,
          column: 1,
          message: 'more text arrived after the last line had been read without its newline; it was skipped',
        });
      }
      this.nextLine();
      return;
    }
    if (bytes.length > this.maxLineBytes) this.oversize(out);
    else {
      const decoded = this.decode(bytes);
      if (decoded.text.trim() !== '') out.lines.push(decoded);
    }
    this.nextLine();
  }

  private takePending(part: Buffer): Buffer {
    const bytes = this.pendingLength === 0 ? part : Buffer.concat([...this.pending, part]);
    this.pending = [];
    this.pendingLength = 0;
    return bytes;
  }

  private decode(bytes: Buffer): NdjsonLine {
    let start = 0;
    let end = bytes.length;
    if (this.lineAtFileStart && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    if (end > start && bytes[end - 1] === 0x0d) end--;
    const text = bytes.toString('utf8', start, end);
    const firstNonBlank = text.search(/\S/);
    return { text, line: this.line, column: firstNonBlank === -1 ? 1 : firstNonBlank + 1 };
  }

  private oversize(out: SplitOutput): void {
    out.problems.push({
      line: this.line,
      column: 1,
      message: `line is longer than ${this.maxLineBytes} bytes (sources.maxLineBytes); skipped`,
    });
  }

  private nextLine(): void {
    this.line++;
    this.lineAtFileStart = false;
  }
}
