/**
 * Turns a V8 `JSON.parse` error into a human sentence and, when V8 gives one, the offset of the offending
 * character, so the report can point at the exact column instead of the start of the record.
 */
export interface JsonSyntaxProblem {
  readonly message: string;
  /** Offset in the parsed text, when known. */
  readonly offset?: number;
}

export function describeJsonError(error: unknown, text: string): JsonSyntaxProblem {
  const raw = error instanceof Error ? error.message : String(error);
  const at = /\bat position (\d+)/.exec(raw);
  // V8 appends "in JSON at position N (line L column C)" or quotes the whole input: keep only the reason.
  let reason = raw
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/\s*at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '');
  if (/^Unexpected end of JSON input$/.test(reason)) reason = 'the record ends too early';
  if (at) return { message: `not valid JSON: ${reason}`, offset: Number(at[1]) };
  // "Unexpected token 'h', "hello" is not valid JSON" carries no position: find the first offending character.
  const token = /^Unexpected token '(.)'/.exec(raw);
  if (token) {
    const idx = text.indexOf(token[1] as string);
    if (idx >= 0) return { message: `not valid JSON: ${reason}`, offset: idx };
  }
  return { message: `not valid JSON: ${reason}` };
}
