import type { InvalidRecord, SignalRecord } from '../signal';
import { describeJsonError } from './json-syntax-error';
import type { RecordNormaliser } from './normalise-record';
import type { TextPosition } from './text-position';

export type ReadResult = { record: SignalRecord; invalid?: undefined } | { record?: undefined; invalid: InvalidRecord };

export interface RecordText {
  readonly file: string;
  /** The record's JSON text. */
  readonly text: string;
  /** Where the record's first character is. */
  readonly line: number;
  readonly column: number;
  /** Maps an offset inside `text` to a file position, to point a syntax error at the exact character. */
  readonly positionOf: (offset: number) => TextPosition;
}

/**
 * One record from its text: JSON.parse, then validation. A syntax error points at the offending character;
 * a validation error at the record's first character, as in "tickets.json:14:3 — `timestamp` is not a date".
 * `syntaxPrefix` qualifies syntax errors only (a last line cut short by a writer is not "bad JSON" to the user).
 */
export function readRecord(source: RecordText, normaliser: RecordNormaliser, syntaxPrefix = ''): ReadResult {
  let raw: unknown;
  try {
    raw = JSON.parse(source.text);
  } catch (error) {
    const problem = describeJsonError(error, source.text);
    const at = problem.offset !== undefined ? source.positionOf(problem.offset) : source;
    return { invalid: { file: source.file, line: at.line, column: at.column, message: syntaxPrefix + problem.message } };
  }
  const location = { file: source.file, line: source.line, column: source.column };
  const result = normaliser.normalise(raw, location);
  if (result.ok) return { record: result.record };
  return { invalid: { ...location, message: result.message } };
}
