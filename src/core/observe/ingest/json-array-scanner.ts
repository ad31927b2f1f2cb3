import { previewValue } from './describe-value';
import {
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  skipJsonSpace,
  skipJsonString,
  scanJsonValue,
  skipJsonValue,
  startsJsonValue,
} from './json-skip';
import { LineIndex } from './text-position';

/**
 * Finds the records of a `.json` source without parsing the whole file in one `JSON.parse`, so that one broken
 * record costs only that record: the scanner walks the text (respecting strings and escapes) to find where each
 * array element starts and ends, and the caller parses each element slice on its own.
 *
 * Accepted shapes: a JSON array of records (the prototype's format); an object wrapping the array under a usual
 * key (`{"events":[...]}`); and, because real exports mislabel files, one or more objects back to back (a single
 * record, or NDJSON saved as `.json`).
 */
export interface ScannedElement {
  /** The element's source text, to be parsed by the caller. */
  readonly text: string;
  /** Offset of the element's first character in the scanned text (after any BOM). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface ScanProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** The text ends early (a writer mid-write): not an error yet while watching. */
  readonly incomplete?: boolean;
}

export interface ArrayScan {
  readonly elements: ScannedElement[];
  readonly problems: ScanProblem[];
  /** Maps an offset in the scanned text to a position, for errors found later inside an element. */
  readonly lines: LineIndex;
}

const WRAPPER_KEYS = new Set(['events', 'tickets', 'records', 'data', 'items', 'results', 'rows', 'logs', 'entries']);

export function scanJsonArray(source: string): ArrayScan {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  return new Scanner(text).scan();
}

class Scanner {
  private readonly elements: ScannedElement[] = [];
  private readonly problems: ScanProblem[] = [];
  private readonly lines: LineIndex;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  scan(): ArrayScan {
    const start = this.skipSpace(0);
    if (start < this.text.length) {
      const c = this.text.charCodeAt(start);
      if (c === OPEN_BRACKET) this.scanRootArray(start);
      else if (c === OPEN_BRACE) this.scanRootObject(start);
      else this.problem(start, `not JSON: expected a JSON array of records, found ${previewValue(this.text.slice(start, start + 30))}`);
    }
    return { elements: this.elements, problems: this.problems, lines: this.lines };
  }

  private scanRootArray(open: number): void {
    const end = this.scanElements(open + 1);
    if (end !== undefined) this.expectEnd(end, 'the closing `]`');
  }

  private scanRootObject(open: number): void {
    const arrayStart = this.findWrappedArray(open);
    if (arrayStart !== undefined) {
      const end = this.scanElements(arrayStart + 1);
      if (end !== undefined) this.skipRestOfObject(end, open);
      return;
    }
    this.scanValueSequence(open);
  }

  /** Scans elements after `[`; returns the offset after `]`, or undefined when the text ended first. */
  private scanElements(from: number): number | undefined {
    const { text } = this;
    let i = from;
    for (;;) {
      i = this.skipSpace(i);
      if (i >= text.length) {
        this.problem(i, 'the file ends before the array is closed (missing `]`)', true);
        return undefined;
      }
      const c = text.charCodeAt(i);
      if (c === CLOSE_BRACKET) return i + 1;
      if (c === COMMA) {
        this.problem(i, 'unexpected `,`: a record is missing here');
        i++;
        continue;
      }
      if (!startsJsonValue(c)) {
        this.problem(i, `unexpected ${previewValue(text[i])} where a record should start`);
        i++;
        continue;
      }
      const extent = scanJsonValue(text, i);
      if (extent === undefined) {
        this.problem(i, 'the file ends inside this record', true);
        return undefined;
      }
      this.element(i, extent.end);
      i = this.skipSpace(extent.end);
      if (i >= text.length) continue; // reported as an unclosed array on the next turn
      const next = text.charCodeAt(i);
      if (extent.cut) {
        // The broken record is reported when parsed; resume quietly at the next line.
        if (next === COMMA) i++;
        continue;
      }
      if (next === COMMA) {
        // A trailing comma before `]` is tolerated: the records are all there.
        i++;
      } else if (next !== CLOSE_BRACKET) {
        this.problem(i, startsJsonValue(next) ? 'missing `,` before this record' : `expected \`,\` or \`]\`, found ${previewValue(text[i])}`);
        if (!startsJsonValue(next)) i++;
      }
    }
  }

  /** Values back to back (one object, or NDJSON in a `.json` file). */
  private scanValueSequence(from: number): void {
    const { text } = this;
    let i = from;
    for (;;) {
      i = this.skipSpace(i);
      if (i >= text.length) return;
      const c = text.charCodeAt(i);
      if (!startsJsonValue(c)) {
        this.problem(i, `unexpected ${previewValue(text[i])} where a record should start`);
        const nl = text.indexOf('\n', i);
        if (nl === -1) return;
        i = nl + 1;
        continue;
      }
      const extent = scanJsonValue(text, i);
      if (extent === undefined) {
        this.problem(i, 'the file ends inside this record', true);
        return;
      }
      this.element(i, extent.end);
      i = extent.end;
      const after = this.skipSpace(i);
      if (after < text.length && text.charCodeAt(after) === COMMA) i = after + 1;
    }
  }

  /** If the object at `open` holds a records array under a usual key, returns the offset of that `[`. */
  private findWrappedArray(open: number): number | undefined {
    const { text } = this;
    let i = open + 1;
    for (;;) {
      i = this.skipSpace(i);
      if (i >= text.length || text.charCodeAt(i) !== QUOTE) return undefined;
      const keyEnd = this.skipString(i);
      if (keyEnd === undefined || text.charCodeAt(keyEnd - 1) !== QUOTE) return undefined;
      let key: unknown;
      try {
        key = JSON.parse(text.slice(i, keyEnd));
      } catch {
        return undefined;
      }
      i = this.skipSpace(keyEnd);
      if (text.charCodeAt(i) !== COLON) return undefined;
      i = this.skipSpace(i + 1);
      if (typeof key === 'string' && WRAPPER_KEYS.has(key.toLowerCase()) && text.charCodeAt(i) === OPEN_BRACKET) return i;
      const end = this.skipValue(i);
      if (end === undefined) return undefined;
      i = this.skipSpace(end);
      if (text.charCodeAt(i) !== COMMA) return undefined;
      i++;
    }
  }

  /** After the wrapped array: skip the wrapper's other members; anything unbalanced is reported once. */
  private skipRestOfObject(from: number, open: number): void {
    const closeOfWrapper = this.skipValue(open);
    if (closeOfWrapper === undefined) {
      this.problem(from, 'the file ends before the wrapping object is closed (missing `}`)', true);
      return;
    }
    this.expectEnd(closeOfWrapper, 'the closing `}`');
  }

  private expectEnd(from: number, what: string): void {
    const i = this.skipSpace(from);
    if (i < this.text.length) this.problem(i, `unexpected text after ${what}: ${previewValue(this.text.slice(i, i + 30))}`);
  }

  private skipValue(i: number): number | undefined {
    return skipJsonValue(this.text, i);
  }

  private skipString(i: number): number | undefined {
    return skipJsonString(this.text, i);
  }

  private skipSpace(i: number): number {
    return skipJsonSpace(this.text, i);
  }

  private element(start: number, end: number): void {
    const { line, column } = this.lines.positionOf(start);
    this.elements.push({ text: this.text.slice(start, end), offset: start, line, column });
  }

  private problem(offset: number, message: string, incomplete = false): void {
    const { line, column } = this.lines.positionOf(offset);
    this.problems.push({ line, column, message, ...(incomplete && { incomplete }) });
  }
}
