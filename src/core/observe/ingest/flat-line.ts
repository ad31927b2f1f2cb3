
/**
 * Reads a record line of one known shape without JSON.parse. A file's lines almost all share one shape —
 * `{"event_id":"E1","merchant_id":"M10",...}`, same keys, same order, plain values — and JSON.parse builds an
 * object (with a value string per field) that normalisation reads once and drops: that garbage, not the parse,
 * is what a million-line backlog pays for (docs/performance.md). This reader checks the line against the shape's
 * key prefixes and hands the values over in key order; a string the caller may keep is copied out of the line
 * (see copyOf), one it only parses or looks up is not.
 *
 * It accepts only a strict subset of JSON, where the result is certain to equal JSON.parse's: no whitespace
 * between tokens, keys exactly as written in the shape, strings without escapes or control characters, integers
 * of up to 15 digits, true, false and null. Anything else (a space, an escape, a float, a nested value, a key
 * out of order, bad JSON) returns false and the caller parses the line with JSON.parse, which stays the
 * authority and writes every error message.
 */
export class FlatLineReader {
  /** `{"key":` for the first key, `,"key":` for the others. */
  private readonly prefixes: readonly string[];

  /** Per key: its value is only read, parsed or looked up, never kept as given (see copyOf). */
  private readonly transient: readonly boolean[];

  constructor(
    readonly keys: readonly string[],
    /** Positions in `keys` whose string values the caller never keeps. */
    transient: readonly number[] = [],
  ) {
    this.prefixes = keys.map((key, i) => `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`);
    this.transient = keys.map((_, i) => transient.includes(i));
  }

  /** Fills `values` (in key order) and returns true, or returns false: the line needs JSON.parse. */
  read(text: string, values: unknown[]): boolean {
    const prefixes = this.prefixes;
    if (prefixes.length === 0 || UNPLAIN.test(text)) return false;
    let i = 0;
    for (let f = 0; f < prefixes.length; f++) {
      const prefix = prefixes[f] as string;
      if (!text.startsWith(prefix, i)) return false;
      i += prefix.length;
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const end = text.indexOf('"', i + 1);
        if (end === -1) return false;
        values[f] = end - i - 1 < SLICED_MIN_LENGTH || this.transient[f] ? text.slice(i + 1, end) : copyOf(text, i, end);
        i = end + 1;
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        const end = integerEnd(text, i);
        if (end === -1) return false;
        values[f] = Number(text.slice(i, end));
        i = end;
      } else if (c === LOWER_N && text.startsWith('null', i)) {
        values[f] = null;
        i += 4;
      } else if (c === LOWER_T && text.startsWith('true', i)) {
        values[f] = true;
        i += 4;
      } else if (c === LOWER_F && text.startsWith('false', i)) {
        values[f] = false;
        i += 5;
      } else {
        return false;
      }
    }
    return i === text.length - 1 && text.charCodeAt(i) === CLOSE_BRACE;
  }
}

/**
 * The string between the quotes at `open` and `close`, as a string of its own (own-string.ts says why): JSON.parse
 * of the quoted text builds a fresh string, as JSON.parse of the whole line did, and the subset guarantees there
 * is nothing to unescape (cheaper than ownString's round trip, for every kept long value of a backlog).
 */
function copyOf(text: string, open: number, close: number): string {
  return JSON.parse(text.slice(open, close + 1)) as string;
}

/** End of a JSON integer (`-?(0|[1-9][0-9]*)`, at most 15 digits: exact as a double) at `from`, or -1. */
function integerEnd(text: string, from: number): number {
  let i = from;
  if (text.charCodeAt(i) === MINUS) i++;
  const first = i;
  let c = text.charCodeAt(i);
  if (c === ZERO) {
    i++;
  } else {
    while (c >= ZERO && c <= NINE) c = text.charCodeAt(++i);
  }
  const digits = i - first;
  if (digits === 0 || digits > 15) return -1;
  // A fraction, an exponent or a leading zero followed by more digits: not this subset (JSON.parse decides).
  c = text.charCodeAt(i);
  if (c !== COMMA && c !== CLOSE_BRACE) return -1;
  return i;
}

/** An escape or a control character anywhere in the line: not the plain form (none is allowed between tokens either). */
const UNPLAIN = /[\x00-\x1f\\]/;
// Constants of this module, not imported ones: measured, imported character codes in these loops (a property load
// through the module object under tsx/CommonJS) took bench ingest from 0.51x to 0.37x, and an imported
// SLICED_MIN_LENGTH cost about 0.02x. Keep it equal to own-string.ts's.
const SLICED_MIN_LENGTH = 13;
const QUOTE = 34;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const COMMA = 44;
const CLOSE_BRACE = 125;
const LOWER_N = 110;
const LOWER_T = 116;
const LOWER_F = 102;
