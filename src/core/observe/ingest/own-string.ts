/**
 * Strings that must not keep a larger one alive. In V8 a slice of SLICED_MIN_LENGTH characters or more is a view
 * into the string it was cut from, and an ingested line is itself a view into its whole 256 KB chunk: a kept id or
 * a cached code cut from a line would hold the chunk for as long as it is kept (measured: 200 kept 24-character
 * ids held 63 MB of 300 KB chunks). What ingestion keeps, it keeps as strings of their own.
 */

/** Shorter slices are copied by V8 anyway (SlicedString::kMinLength). */
export const SLICED_MIN_LENGTH = 13;

/** A copy that refers to no larger string (a round trip through JSON rebuilds any string exactly). */
export function ownString(s: string): string {
  return s.length < SLICED_MIN_LENGTH ? s : (JSON.parse(JSON.stringify(s)) as string);
}
