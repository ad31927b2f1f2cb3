import { CANONICAL_FIELDS, canonicalCode, canonicalService } from './field-aliases';
import { cachedBy } from './bounded-cache';
import { timestampMs } from './parse-timestamp';
import type { RecordValues } from './record-schema';

/**
 * The hot path of ingestion: values of the common shape (strings where text is expected, whole numbers where
 * numbers are) are checked and canonicalised by hand, about ten times faster than the zod schema. Anything
 * unusual — a number as a code, a wrong type, an empty id, a bad date — returns `undefined`, and the caller
 * runs RecordValuesSchema, which stays the authority (and writes the error message). For every input this
 * accepts, the output equals the schema's (test/unit/observe/ingest/fast-record-values.test.ts checks it
 * property by property).
 */
export function fastRecordValues(
  record: RecordLike,
  keys: FieldKeys = CANONICAL_FIELDS,
  /** A values object this function returned before: filled again and returned instead of a new one (the caller
   * copies what it keeps before the next call). */
  into?: RecordValues,
): RecordValues | undefined {
  const id = requiredText(at(record, keys, ID));
  const merchantId = requiredText(at(record, keys, MERCHANT));
  const rawCode = at(record, keys, CODE);
  if (id === undefined || merchantId === undefined || typeof rawCode !== 'string') return undefined;
  const codeText = rawCode.trim();
  if (codeText === '' || isDigits(codeText)) return undefined;
  const ts = at(record, keys, TIMESTAMP);
  if (typeof ts !== 'string' && typeof ts !== 'number') return undefined;
  const timestamp = timestampMs(ts);
  if (Number.isNaN(timestamp)) return undefined;

  const service = optionalText(at(record, keys, SERVICE));
  const text = optionalText(at(record, keys, TEXT));
  const subject = optionalText(at(record, keys, SUBJECT));
  const severity = optionalText(at(record, keys, SEVERITY));
  const migrationStage = optionalText(at(record, keys, STAGE));
  const endpoint = optionalText(at(record, keys, ENDPOINT));
  if (service === BAD || text === BAD || subject === BAD || severity === BAD || migrationStage === BAD || endpoint === BAD) return undefined;
  const weight = optionalWhole(at(record, keys, WEIGHT), 1, Number.MAX_SAFE_INTEGER);
  const httpStatus = optionalWhole(at(record, keys, HTTP_STATUS), 100, 599);
  if (weight === BAD || httpStatus === BAD) return undefined;

  const code = cachedBy(codeCache, codeText, canonicalCode);
  const canonicalServiceName = service === undefined ? undefined : cachedBy(serviceCache, service, canonicalService);
  const severityCode = severity === undefined ? undefined : cachedBy(codeCache, severity, canonicalCode);
  const stageCode = migrationStage === undefined ? undefined : cachedBy(codeCache, migrationStage, canonicalCode);
  const out = into ?? ({} as RecordValues);
  out.id = id;
  out.merchantId = merchantId;
  out.code = code;
  out.service = canonicalServiceName;
  out.timestamp = timestamp;
  out.text = text;
  out.subject = subject;
  out.severity = severityCode;
  out.migrationStage = stageCode;
  out.endpoint = endpoint;
  out.weight = weight;
  out.httpStatus = httpStatus;
  return out;
}

/**
 * Where each canonical field's value is: `keys[i]` is the property holding CANONICAL_FIELDS[i] (undefined: absent).
 * The normaliser passes the raw record with the keys its field resolution chose, so no object of values is built
 * per record; a values object keyed by canonical name goes with CANONICAL_FIELDS itself.
 */
export type FieldKeys = readonly (string | number | undefined)[];

/** A parsed record with FieldKeys naming its properties, or a line's values in key order with FieldKeys as
 * positions (RecordNormaliser.readLine). */
export type RecordLike = Readonly<Record<string, unknown>> | readonly unknown[];

// Positions in CANONICAL_FIELDS (checked by the unit test).
export const ID = 0;
export const MERCHANT = 1;
export const CODE = 2;
export const SERVICE = 3;
export const TIMESTAMP = 4;
export const TEXT = 5;
export const SUBJECT = 6;
export const SEVERITY = 7;
export const STAGE = 8;
export const ENDPOINT = 9;
export const WEIGHT = 10;
export const HTTP_STATUS = 11;

const BAD = Symbol('needs the schema');

function at(record: RecordLike, keys: FieldKeys, field: number): unknown {
  const key = keys[field];
  return key === undefined ? undefined : (record as Readonly<Record<string | number, unknown>>)[key];
}

function requiredText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

/** Strings only: numbers and other types go to the schema (which stringifies numbers or reports the type). */
function optionalText(value: unknown): string | undefined | typeof BAD {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return BAD;
  return value.trim() || undefined;
}

function optionalWhole(value: unknown, min: number, max: number): number | undefined | typeof BAD {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : BAD;
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const codeCache = new Map<string, string>();
const serviceCache = new Map<string, string>();
