/**
 * Walking JSON text without parsing it: where does the value starting here end? Used to find record boundaries in
 * a JSON array (so one broken record does not lose the others) and to point at the exact spot of a bad setting.
 * Strings and escapes are respected; a raw newline ends a string, since JSON strings cannot contain one, so an
 * unterminated string damages one line, not the rest of the file.
 */
export const QUOTE = 34;
export const BACKSLASH = 92;
export const NEWLINE = 10;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const COMMA = 44;
export const COLON = 58;

export function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Characters that can start a JSON value. */
export function startsJsonValue(c: number): boolean {
  return (
    c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110
  );
}

export function skipJsonSpace(text: string, i: number): number {
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Offset after the closing quote of the string at `i` (or of the raw newline that cuts it short); undefined at end of text. */
export function skipJsonString(text: string, i: number): number | undefined {
  return scanJsonString(text, i)?.end;
}

function scanJsonString(text: string, i: number): ValueExtent | undefined {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return { end: j + 1, cut: false };
    if (c === BACKSLASH) j++;
    else if (c === NEWLINE) return { end: j, cut: true };
  }
  return undefined;
}

/** Offset just after the value starting at `i`, or undefined when the text ends inside it. */
export function skipJsonValue(text: string, i: number): number | undefined {
  return scanJsonValue(text, i)?.end;
}

export interface ValueExtent {
  /** Offset just after the value (or of the newline that cut it). */
  readonly end: number;
  /** A string in the value ran into a raw newline: the value is broken and was cut at that line's end. */
  readonly cut: boolean;
}

/**
 * Extent of the value starting at `i`, or undefined when the text ends inside it. A broken string stops the value
 * at the end of its line, so the records on the next lines are found again instead of being swallowed.
 */
export function scanJsonValue(text: string, i: number): ValueExtent | undefined {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return scanJsonString(text, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === COMMA || d === CLOSE_BRACKET || d === CLOSE_BRACE || isJsonSpace(d)) return { end: j, cut: false };
    }
    return undefined;
  }
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === QUOTE) {
      const string = scanJsonString(text, j);
      if (string === undefined) return undefined;
      if (string.cut) return string;
      j = string.end;
      continue;
    }
    if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return { end: j + 1, cut: false };
    }
    j++;
  }
  return undefined;
}

/**
 * Offset of the value at `path` (object keys and array indexes) in a JSON text, or of the deepest enclosing value
 * found. For error messages only: it assumes the text parsed.
 */
export function locateJsonPath(text: string, path: readonly PropertyKey[]): number {
  let i = skipJsonSpace(text, 0);
  for (const segment of path) {
    const c = text.charCodeAt(i);
    if (typeof segment === 'number' && c === OPEN_BRACKET) {
      let j = skipJsonSpace(text, i + 1);
      for (let k = 0; k < segment; k++) {
        const end = skipJsonValue(text, j);
        if (end === undefined) return i;
        j = skipJsonSpace(text, end);
        if (text.charCodeAt(j) !== COMMA) return i;
        j = skipJsonSpace(text, j + 1);
      }
      i = j;
    } else if (typeof segment === 'string' && c === OPEN_BRACE) {
      const found = findMember(text, i, segment);
      if (found === undefined) return i;
      i = found.value;
    } else {
      return i;
    }
  }
  return i;
}

/** Offsets of the key and of the value of member `key` in the object at `open`. */
function findMember(text: string, open: number, key: string): { key: number; value: number } | undefined {
  let j = skipJsonSpace(text, open + 1);
  while (text.charCodeAt(j) === QUOTE) {
    const keyEnd = skipJsonString(text, j);
    if (keyEnd === undefined) return undefined;
    let name: unknown;
    try {
      name = JSON.parse(text.slice(j, keyEnd));
    } catch {
      return undefined;
    }
    const colon = skipJsonSpace(text, keyEnd);
    if (text.charCodeAt(colon) !== COLON) return undefined;
    const value = skipJsonSpace(text, colon + 1);
    if (name === key) return { key: j, value };
    const end = skipJsonValue(text, value);
    if (end === undefined) return undefined;
    j = skipJsonSpace(text, end);
    if (text.charCodeAt(j) !== COMMA) return undefined;
    j = skipJsonSpace(text, j + 1);
  }
  return undefined;
}

/** Offset of the key `key` itself in the object at `path` (to point at an unknown key, not at its value). */
export function locateJsonKey(text: string, path: readonly PropertyKey[], key: string): number {
  const objectAt = locateJsonPath(text, path);
  return findMember(text, objectAt, key)?.key ?? objectAt;
}
