import * as path from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import type { FileAccess } from '../../ports/files';
import { describeType, previewValue } from './describe-value';
import { CANONICAL_FIELDS, type CanonicalField } from './field-aliases';
import { locateJsonKey, locateJsonPath } from './json-skip';
import { describeJsonError } from './json-syntax-error';
import type { FieldMapping } from './normalise-record';
import { LineIndex } from './text-position';

/**
 * `.cosmos/sources.json`: per file pattern, which raw field holds which canonical field, for exports whose names
 * the built-in aliases do not cover. Example:
 *
 *     {"sources":[{"pattern":"exports/*.ndjson","kind":"events",
 *                  "fields":{"id":"req_id","merchantId":"store","code":"err","timestamp":"at"}}]}
 *
 * A pattern with a `kind` also makes matching files sources (they need not match the default globs).
 */
export const SOURCES_FILE = '.cosmos/sources.json';

const fieldName = z.string().trim().min(1);
const defaultValue = z.union([z.string(), z.number()]);

const FieldsSchema = z.strictObject(
  Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, fieldName.optional()])) as Record<CanonicalField, z.ZodOptional<typeof fieldName>>,
);
const DefaultsSchema = z.strictObject(
  Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, defaultValue.optional()])) as Record<
    CanonicalField,
    z.ZodOptional<typeof defaultValue>
  >,
);

export const SourceMappingSchema = z.strictObject({
  /** Glob (picomatch) on the path relative to the data folder, `/` separators. */
  pattern: z.string().trim().min(1),
  kind: z.enum(['events', 'tickets']).optional(),
  /** Overrides the format implied by the extension (.json → json, .ndjson/.jsonl → ndjson). */
  format: z.enum(['json', 'ndjson']).optional(),
  fields: FieldsSchema.optional(),
  defaults: DefaultsSchema.optional(),
});

export const SourcesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  sources: z.array(SourceMappingSchema),
});

export type SourceMapping = z.output<typeof SourceMappingSchema>;

/** A bad `.cosmos/sources.json`: says which file, where, and what is wrong. */
export class SourceMappingError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** JSON path of the bad value, e.g. `sources[0].fields.merchantId`; empty for a syntax error. */
    readonly jsonPath: string,
    readonly problem: string,
    /** Every problem found, the first one being `problem`. */
    readonly problems: readonly string[] = [problem],
  ) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`${file}:${line}:${column} — ${jsonPath ? `${jsonPath}: ` : ''}${problem}${more}`);
    this.name = 'SourceMappingError';
  }
}

/** Parses and validates the text of a sources file; throws SourceMappingError. An empty file means no mappings. */
export function loadSourceMappings(text: string, file: string = SOURCES_FILE): SourceMapping[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return [];
  const lines = new LineIndex(body);
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    const problem = describeJsonError(error, body);
    const at = lines.positionOf(problem.offset ?? 0);
    throw new SourceMappingError(file, at.line, at.column, '', problem.message);
  }
  const parsed = SourcesFileSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) {
    parsed.data.sources.forEach((s, i) => checkPattern(s.pattern, i, body, lines, file));
    return parsed.data.sources;
  }
  const described = parsed.error.issues.map((issue) => describeIssue(issue, body));
  const first = described[0] as DescribedIssue;
  const at = lines.positionOf(first.offset);
  throw new SourceMappingError(file, at.line, at.column, first.jsonPath, first.message, described.map((d) => (d.jsonPath ? `${d.jsonPath}: ${d.message}` : d.message)));
}

/**
 * Reads `<root>/.cosmos/sources.json` if there is one (none ⇒ no mappings). Throws SourceMappingError for a bad
 * file; the error's `file` is the path relative to root, as users see it.
 */
export async function readSourceMappings(files: FileAccess, root: string): Promise<SourceMapping[]> {
  const absolute = path.join(root, ...SOURCES_FILE.split('/'));
  if (!(await files.stat(absolute))) return [];
  return loadSourceMappings((await files.readFile(absolute)).toString('utf8'), SOURCES_FILE);
}

/** The first mapping whose pattern matches `file` (relative, `/` separators). */
export function mappingFor(file: string, mappings: readonly SourceMapping[]): SourceMapping | undefined {
  return mappings.find((m) => picomatch(m.pattern, { dot: true })(file));
}

/** What the record normaliser needs from a mapping. */
export function fieldMappingOf(mapping: SourceMapping | undefined, declaredIn = SOURCES_FILE): FieldMapping | undefined {
  if (!mapping || (!mapping.fields && !mapping.defaults)) return undefined;
  return { fields: mapping.fields, defaults: mapping.defaults, declaredIn };
}

interface DescribedIssue {
  readonly jsonPath: string;
  readonly message: string;
  readonly offset: number;
}

function describeIssue(issue: z.core.$ZodIssue, text: string): DescribedIssue {
  const path = issue.path;
  const jsonPath = formatPath(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] as string;
      const known = knownKeys(path);
      return {
        jsonPath,
        message: `unknown key \`${key}\`${known ? ` (known: ${known})` : ''}`,
        offset: locateJsonKey(text, path, key),
      };
    }
    case 'invalid_type':
      return {
        jsonPath,
        message:
          issue.input === undefined
            ? `missing \`${String(path[path.length - 1])}\``
            : `expected ${expectedLabel(issue.expected, path)}, found ${describeType(issue.input)} ${previewValue(issue.input)}`,
        offset: locateJsonPath(text, issue.input === undefined ? path.slice(0, -1) : path),
      };
    case 'invalid_value':
      return {
        jsonPath,
        message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${previewValue(issue.input)}`,
        offset: locateJsonPath(text, path),
      };
    case 'too_small':
      return { jsonPath, message: 'must not be empty', offset: locateJsonPath(text, path) };
    case 'invalid_union':
      return {
        jsonPath,
        message: `expected text or a number, found ${describeType(issue.input)} ${previewValue(issue.input)}`,
        offset: locateJsonPath(text, path),
      };
    default:
      return { jsonPath, message: issue.message, offset: locateJsonPath(text, path) };
  }
}

function expectedLabel(expected: string, path: readonly PropertyKey[]): string {
  if (path[path.length - 2] === 'fields') return 'the name of a field in your records (a string)';
  if (expected === 'array') return 'an array';
  if (expected === 'object') return 'an object';
  return `a ${expected}`;
}

function knownKeys(path: readonly PropertyKey[]): string | undefined {
  const last = path[path.length - 1];
  if (last === 'fields' || last === 'defaults') return CANONICAL_FIELDS.join(', ');
  if (typeof last === 'number') return 'pattern, kind, format, fields, defaults';
  if (path.length === 0) return 'sources';
  return undefined;
}

/** `sources[0].fields.merchantId` */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
    '',
  );
}

function checkPattern(pattern: string, index: number, text: string, lines: LineIndex, file: string): void {
  try {
    picomatch.makeRe(pattern);
  } catch (error) {
    const at = lines.positionOf(locateJsonPath(text, ['sources', index, 'pattern']));
    throw new SourceMappingError(file, at.line, at.column, `sources[${index}].pattern`, `not a valid glob: ${(error as Error).message}`);
  }
}
