/** 1-based line and column (UTF-16 code units, as editors count) of a character in a text. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Maps string indexes to line/column. Line starts are found once with indexOf (fast even for large files),
 * then every lookup is a binary search, so locating thousands of elements stays cheap.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  positionOf(index: number): TextPosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - (this.starts[lo] as number) + 1 };
  }
}
