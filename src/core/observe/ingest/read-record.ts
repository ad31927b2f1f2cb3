import type { InvalidRecord, SignalRecord } from '../signal';
import { describeJsonError } from './json-syntax-error';
import type { RecordNormaliser } from './normalise-record';
import type { TextPosition } from './text-position';

export type ReadResult = { record: SignalRecord; invalid?: undefined } | { record?: undefined; invalid: InvalidRecord };

export interface RecordText {
  /** The record's JSON text. */
  readonly text: string;
  /** Where the record's first character is. */
  readonly line: number;
  readonly column: number;
}

/**
 * Maps an offset inside a record's text to a file position, to point a syntax error at the exact character.
 * Only called for a syntax error. Without one, the text is one line that starts at column 1 (an NDJSON line).
 */
export type PositionOf = (offset: number) => TextPosition;

/**
 * One record from its text: JSON.parse, then validation. A syntax error points at the offending character;
 * a validation error at the record's first character, as in "tickets.json:14:3 — `timestamp` is not a date".
 * `syntaxPrefix` qualifies syntax errors only (a last line cut short by a writer is not "bad JSON" to the user).
 * Hot path of ingestion: the caller's line object is read as is (no wrapper, no closure per record).
 */
export function readRecord(
  file: string,
  source: RecordText,
  normaliser: RecordNormaliser,
  syntaxPrefix = '',
  positionOf?: PositionOf,
): ReadResult {
  let raw: unknown;
  try {
    raw = JSON.parse(source.text);
  } catch (error) {
    const problem = describeJsonError(error, source.text);
    const at =
      problem.offset === undefined ? source : positionOf ? positionOf(problem.offset) : { line: source.line, column: problem.offset + 1 };
    return { invalid: { file, line: at.line, column: at.column, message: syntaxPrefix + problem.message } };
  }
  const location = { file, line: source.line, column: source.column };
  const result = normaliser.normalise(raw, location);
  if (result.ok) return result;
  return { invalid: { ...location, message: result.message } };
}
