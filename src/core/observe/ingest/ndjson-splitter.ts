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
    const first = chunk.indexOf(NEWLINE);
    if (first === -1) {
      if (chunk.length > 0) this.keep(chunk, out);
      return;
    }
    // The first line may continue bytes held from the previous chunk, or close a skipped or one-shot line.
    this.endLine(chunk.subarray(0, first), out);
    const last = chunk.lastIndexOf(NEWLINE);
    // The whole lines in between are decoded a stretch at a time and split as a string: one decode per stretch
    // instead of one per line (the hot path of a first read). A stretch is at most maxLineBytes long, so no line
    // in it can be oversize; a line longer than that goes alone through the byte path, which reports it.
    for (let start = first + 1; start <= last; ) {
      const end = chunk.lastIndexOf(NEWLINE, Math.min(last, start + this.maxLineBytes));
      if (end >= start) {
        this.splitDecoded(chunk.toString('utf8', start, end), out);
        start = end + 1;
      } else {
        const nl = chunk.indexOf(NEWLINE, start);
        this.endLine(chunk.subarray(start, nl), out);
        start = nl + 1;
      }
    }
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1), out);
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

  /**
   * Complete lines decoded together (newline bytes never occur inside a UTF-8 sequence, so decoding them in one
   * call equals decoding each line), none of them oversize. Always past the first line of the chunk: never inside
   * a skipped or one-shot line, never at the file's first byte.
   */
  private splitDecoded(text: string, out: SplitOutput): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      this.decodedLine(text, start, end, out);
      this.nextLine();
      if (nl === -1) return;
      start = nl + 1;
    }
  }

  private decodedLine(text: string, start: number, end: number, out: SplitOutput): void {
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    if (end === start) return;
    const line = text.slice(start, end);
    // Records almost always start with `{`: no search for the first non-blank then.
    if (line.charCodeAt(0) === 0x7b) {
      out.lines.push({ text: line, line: this.line, column: 1 });
      return;
    }
    const firstNonBlank = line.search(/\S/);
    if (firstNonBlank !== -1) out.lines.push({ text: line, line: this.line, column: firstNonBlank + 1 });
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
