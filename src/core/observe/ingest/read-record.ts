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
 */
export function readRecord(
  file: string,
  source: RecordText,
  normaliser: RecordNormaliser,
  syntaxPrefix = '',
  positionOf?: PositionOf,
): ReadResult {
  const out = recordOrProblem(file, source, normaliser, syntaxPrefix, positionOf);
  return isProblem(out) ? { invalid: out } : { record: out };
}

/** readRecord() for the hot path: the record (or the problem) goes straight into the batch, nothing else is built. */
export function readRecordInto(
  batch: { readonly records: SignalRecord[]; readonly invalid: InvalidRecord[] },
  file: string,
  source: RecordText,
  normaliser: RecordNormaliser,
  syntaxPrefix = '',
): void {
  const out = recordOrProblem(file, source, normaliser, syntaxPrefix, undefined);
  if (isProblem(out)) batch.invalid.push(out);
  else batch.records.push(out);
}

function recordOrProblem(
  file: string,
  source: RecordText,
  normaliser: RecordNormaliser,
  syntaxPrefix: string,
  positionOf: PositionOf | undefined,
): SignalRecord | InvalidRecord {
  const location = { file, line: source.line, column: source.column };
  const plain = normaliser.readLine(source.text, location);
  if (plain !== undefined) return plain;
  let raw: unknown;
  try {
    raw = JSON.parse(source.text);
  } catch (error) {
    const problem = describeJsonError(error, source.text);
    const at =
      problem.offset === undefined ? source : positionOf ? positionOf(problem.offset) : { line: source.line, column: problem.offset + 1 };
    return { file, line: at.line, column: at.column, message: syntaxPrefix + problem.message };
  }
  const result = normaliser.read(raw, location);
  return typeof result === 'string' ? { ...location, message: result } : result;
}

/** A SignalRecord never has a `message`; an InvalidRecord always has one. */
function isProblem(r: SignalRecord | InvalidRecord): r is InvalidRecord {
  return (r as Partial<InvalidRecord>).message !== undefined;
}
