const MAX_PREVIEW = 60;

/**
 * A short, single-line rendering of a bad value for an error message: `"yesterday"`, `42`, `{"a":1}`.
 * Capped so that a megabyte-long field does not turn into a megabyte-long diagnostic.
 */
export function previewValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/[\r\n\t]+/g, ' ');
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 1)}…` : text;
}

/** "an array", "a number", "null": for messages like "record is not an object (found an array)". */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}
