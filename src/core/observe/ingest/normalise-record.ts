import type { SignalKind, SignalRecord, SourceLocation } from '../signal';
import { describeType } from './describe-value';
import {
  aliasesFor,
  CANONICAL_FIELDS,
  DEFAULT_EVENT_SERVICE,
  DEFAULT_TICKET_SERVICE,
  type CanonicalField,
} from './field-aliases';
import { cachedBy } from './bounded-cache';
import { CODE, fastRecordValues, SERVICE, SEVERITY, STAGE, TIMESTAMP } from './fast-record-values';
import { FlatLineReader } from './flat-line';
import { MISSING, RecordValuesSchema, type RecordValues } from './record-schema';

/** The per-file part of `.cosmos/sources.json` that normalisation needs. */
export interface FieldMapping {
  /** Canonical field → the raw field name that holds it in this file. Replaces the built-in aliases for that field. */
  readonly fields?: Readonly<Partial<Record<CanonicalField, string>>>;
  /** Canonical field → value used when a record lacks the field. */
  readonly defaults?: Readonly<Partial<Record<CanonicalField, string | number>>>;
  /** Where the mapping was declared, for messages. */
  readonly declaredIn?: string;
}

export type NormaliseResult = { ok: true; record: SignalRecord } | { ok: false; message: string };

/**
 * Validates parsed records of one kind (and one file's mapping) and turns them into SignalRecords. Field names are
 * resolved first (mapping, then aliases), the values are then checked and canonicalised by RecordValuesSchema, and
 * whatever is left over is kept in `extra`. Never throws for bad data: a bad record yields a sentence naming the raw
 * field and the bad value. The alias lists are resolved once per normaliser, not once per record.
 */
export class RecordNormaliser {
  /** Raw field name → the canonical fields it can fill, with its rank among that field's aliases (0 wins). */
  private readonly keyIndex = new Map<string, readonly (readonly [number, number])[]>();
  private readonly defaultService: string;
  /** Most recently used first. */
  private readonly plans: KeyPlan[] = [];
  /** Values of a line read by a plan's FlatLineReader, in key order (readLine() is synchronous, never re-entered). */
  private readonly lineValues: unknown[] = [];
  /** The fast path's values object, filled again for every record (read() is synchronous and never re-entered). */
  private scratch: RecordValues | undefined;
  // Scratch space reused across records (normalise() is synchronous and never re-entered): less garbage per record.
  private readonly bestKey: (string | undefined)[] = new Array(CANONICAL_FIELDS.length);
  private readonly bestRank: number[] = new Array(CANONICAL_FIELDS.length);
  private readonly bestIsNull: boolean[] = new Array(CANONICAL_FIELDS.length);

  private readonly maxPlans: number;

  constructor(
    private readonly kind: SignalKind,
    private readonly mapping?: FieldMapping,
    /** `plans: false` resolves every record from scratch (the reference the shape plans are tested against). */
    options: { readonly plans?: boolean } = {},
  ) {
    this.maxPlans = options.plans === false ? 0 : MAX_PLANS;
    const aliases = aliasesFor(kind);
    CANONICAL_FIELDS.forEach((field, f) => {
      const mapped = mapping?.fields?.[field];
      const keys = mapped !== undefined ? [mapped] : aliases[field];
      keys.forEach((key, rank) => {
        this.keyIndex.set(key, [...(this.keyIndex.get(key) ?? []), [f, rank] as const]);
      });
    });
    this.defaultService = kind === 'event' ? DEFAULT_EVENT_SERVICE : DEFAULT_TICKET_SERVICE;
  }

  normalise(raw: unknown, location: SourceLocation): NormaliseResult {
    const out = this.read(raw, location);
    return typeof out === 'string' ? { ok: false, message: out } : { ok: true, record: out };
  }

  /** normalise() without the result wrapper (the ingestion hot path): the record, or what is wrong with it. */
  read(raw: unknown, location: SourceLocation): SignalRecord | string {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return `record is not an object (found ${describeType(raw)})`;
    }
    const record = raw as Record<string, unknown>;
    // Hot path: the records of a file share a few shapes (same keys, same order), so the field resolution is done
    // once per shape and reused while no chosen value is a null that another alias could replace.
    const plan = this.planFor(record);
    if (plan !== undefined && !plan.defaults && !nullWithAlternative(record, plan)) {
      const v = fastRecordValues(record, plan.fieldKeys, this.scratch);
      if (v !== undefined) {
        this.scratch = v;
        return this.toRecord(v, location, plan.extraKeys.length > 0 ? extraFields(record, plan.extraKeys) : undefined);
      }
    }
    return this.readSlowly(record, plan?.keys ?? Object.keys(record), location);
  }

  /**
   * The hot path of a line-oriented file: a line in the plain form of the shape planned last (a file's lines
   * nearly all share it) is read without JSON.parse (FlatLineReader). Undefined when the line needs JSON.parse and
   * read(): another shape, whitespace, escapes, unusual values — or an invalid record, whose message read() writes.
   */
  readLine(text: string, location: SourceLocation): SignalRecord | undefined {
    const plan = this.plans[0];
    if (plan === undefined || plan.defaults) return undefined;
    const values = this.lineValues;
    if (!plan.flat.read(text, values)) return undefined;
    const contested = plan.contestedIndex;
    for (let i = 0; i < contested.length; i++) if (values[contested[i] as number] === null) return undefined;
    const v = fastRecordValues(values, plan.fieldIndex, this.scratch);
    if (v === undefined) return undefined;
    this.scratch = v;
    return this.toRecord(v, location, plan.extraKeys.length > 0 ? extraFromValues(values, plan) : undefined);
  }

  /** Resolves field names for this record alone (nulls, defaults, unusual values), then the schema decides. */
  private readSlowly(record: Record<string, unknown>, keys: readonly string[], location: SourceLocation): SignalRecord | string {
    const { bestKey, bestRank, bestIsNull } = this;
    bestKey.fill(undefined);

    // One pass over the record's own keys (not over every alias of every field): the first alias with a value
    // wins; a null one only if no other alias has a value (so the message can name it).
    for (const key of keys) {
      const targets = this.keyIndex.get(key);
      if (targets === undefined) continue;
      const isNull = record[key] === null;
      for (const [f, rank] of targets) {
        const current = bestKey[f];
        const better = current === undefined || (bestIsNull[f] && !isNull) || (bestIsNull[f] === isNull && rank < (bestRank[f] as number));
        if (better) {
          bestKey[f] = key;
          bestRank[f] = rank;
          bestIsNull[f] = isNull;
        }
      }
    }

    const values: Partial<Record<CanonicalField, unknown>> = {};
    const defaults = this.mapping?.defaults;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const field = CANONICAL_FIELDS[f] as CanonicalField;
      const key = bestKey[f];
      if (key !== undefined) values[field] = record[key];
      else if (defaults?.[field] !== undefined) values[field] = defaults[field];
    }

    let v = fastRecordValues(values);
    if (v === undefined) {
      const parsed = RecordValuesSchema.safeParse(values);
      if (!parsed.success) return this.describe(parsed.error.issues, this.rawKeys());
      v = parsed.data;
    }
    const extraKeys = keys.filter((key) => !bestKey.includes(key));
    return this.toRecord(v, location, extraKeys.length > 0 ? extraFields(record, extraKeys) : undefined);
  }

  private toRecord(v: RecordValues, location: SourceLocation, extra: Record<string, unknown> | undefined): SignalRecord {
    const result: Mutable<SignalRecord> = {
      kind: this.kind,
      id: v.id,
      merchantId: v.merchantId,
      code: v.code,
      service: v.service ?? this.defaultService,
      timestamp: v.timestamp,
      weight: v.weight ?? 1,
      location,
    };
    if (v.severity !== undefined) result.severity = v.severity;
    if (v.migrationStage !== undefined) result.migrationStage = v.migrationStage;
    if (v.endpoint !== undefined) result.endpoint = v.endpoint;
    const httpStatus = v.httpStatus ?? httpStatusFromCode(v.code);
    if (httpStatus !== undefined) result.httpStatus = httpStatus;
    const text = v.subject && v.text ? `${v.subject}\n${v.text}` : (v.text ?? v.subject);
    if (text !== undefined) result.text = text;
    if (extra !== undefined) result.extra = extra;
    return result;
  }

  /** The resolution for records with exactly this record's keys in this order (a few recent shapes are remembered). */
  private planFor(record: Record<string, unknown>): KeyPlan | undefined {
    const plans = this.plans;
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i] as KeyPlan;
      if (hasExactly(record, plan.keys)) return plan;
    }
    if (this.maxPlans === 0) return undefined;
    const keys = Object.keys(record);
    if (keys.length > MAX_PLAN_KEYS) return undefined;
    const plan = this.makePlan(keys);
    if (plans.length >= this.maxPlans) plans.pop();
    plans.unshift(plan);
    return plan;
  }

  /** Field resolution assuming no value is null (normalise() checks that assumption per record). */
  private makePlan(keys: readonly string[]): KeyPlan {
    const fieldKeys: (string | undefined)[] = new Array(FIELD_COUNT).fill(undefined);
    const ranks: number[] = new Array(FIELD_COUNT).fill(Number.POSITIVE_INFINITY);
    const candidates: number[] = new Array(FIELD_COUNT).fill(0);
    for (const key of keys) {
      for (const [f, rank] of this.keyIndex.get(key) ?? []) {
        candidates[f] = (candidates[f] as number) + 1;
        if (rank < (ranks[f] as number)) {
          fieldKeys[f] = key;
          ranks[f] = rank;
        }
      }
    }
    const defaults = this.mapping?.defaults;
    const extraKeys = keys.filter((key) => !fieldKeys.includes(key));
    const contested = fieldKeys.flatMap((key, f) => (key !== undefined && (candidates[f] as number) > 1 ? [key] : []));
    return {
      keys: [...keys],
      fieldKeys,
      fieldIndex: fieldKeys.map((key) => (key === undefined ? undefined : keys.indexOf(key))),
      contestedIndex: contested.map((key) => keys.indexOf(key)),
      extraIndex: extraKeys.map((key) => keys.indexOf(key)),
      flat: new FlatLineReader(keys, transientPositions(keys, fieldKeys)),
      contested,
      extraKeys,
      defaults: CANONICAL_FIELDS.some((field, f) => fieldKeys[f] === undefined && defaults?.[field] !== undefined),
    };
  }

  /** Canonical field → the raw key chosen for it in the record just normalised (for messages). */
  private rawKeys(): Partial<Record<CanonicalField, string>> {
    const out: Partial<Record<CanonicalField, string>> = {};
    CANONICAL_FIELDS.forEach((field, f) => {
      const key = this.bestKey[f];
      if (key !== undefined) out[field] = key;
    });
    return out;
  }

  private describe(issues: readonly { path: PropertyKey[]; message: string }[], rawKeyOf: Partial<Record<CanonicalField, string>>): string {
    return issues
      .map((issue) => {
        const field = issue.path[0] as CanonicalField;
        if (issue.message === MISSING) return missingMessage(field, this.kind, this.mapping);
        const key = rawKeyOf[field];
        if (key === undefined) {
          return `the default for \`${field}\` in ${this.mapping?.declaredIn ?? 'the source mapping'} ${issue.message}`;
        }
        return `\`${key}\` ${issue.message}`;
      })
      .join('; ');
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const FIELD_COUNT = CANONICAL_FIELDS.length;

/** Shapes remembered per normaliser, and the widest record worth a plan (wider ones are resolved one by one). */
const MAX_PLANS = 8;
const MAX_PLAN_KEYS = 64;

interface KeyPlan {
  /** The record keys, in order, this plan is for. */
  readonly keys: readonly string[];
  /** Per canonical field (CANONICAL_FIELDS order): the raw key chosen when no value is null. */
  readonly fieldKeys: readonly (string | undefined)[];
  /** Chosen keys that compete with another alias in the record: if one is null, the other may win. */
  readonly contested: readonly string[];
  /** Keys no field takes: kept verbatim in `extra`. */
  readonly extraKeys: readonly string[];
  /** The same choices as positions in `keys`, for values read by `flat` (in key order). */
  readonly fieldIndex: readonly (number | undefined)[];
  readonly contestedIndex: readonly number[];
  readonly extraIndex: readonly number[];
  /** Reads a line of exactly this shape in plain form without JSON.parse. */
  readonly flat: FlatLineReader;
  /** A field would come from the mapping's defaults: resolved per record. */
  readonly defaults: boolean;
}

/**
 * The record's own keys are exactly `keys`, in order. for-in, not Object.keys(): it reads the shape's cached key
 * list instead of building an array per record (a tenth of ingestion's garbage). A parsed record has no inherited
 * enumerable keys, and for-in lists own string keys in the order Object.keys() does.
 */
function hasExactly(record: Record<string, unknown>, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in record) {
    if (key !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

function nullWithAlternative(record: Record<string, unknown>, plan: KeyPlan): boolean {
  const contested = plan.contested;
  for (let i = 0; i < contested.length; i++) if (record[contested[i] as string] === null) return true;
  return false;
}

const defaultNormalisers = { event: new RecordNormaliser('event'), ticket: new RecordNormaliser('ticket') };

/** One-off form of RecordNormaliser.normalise. */
export function normaliseRecord(
  raw: unknown,
  kind: SignalKind,
  location: SourceLocation,
  mapping?: FieldMapping,
): NormaliseResult {
  const normaliser = mapping ? new RecordNormaliser(kind, mapping) : defaultNormalisers[kind];
  return normaliser.normalise(raw, location);
}

function missingMessage(field: CanonicalField, kind: SignalKind, mapping: FieldMapping | undefined): string {
  const mapped = mapping?.fields?.[field];
  if (mapped !== undefined) {
    return `missing \`${mapped}\` (mapped to ${field} in ${mapping?.declaredIn ?? 'the source mapping'})`;
  }
  const [primary, ...others] = aliasesFor(kind)[field];
  const also = others.length ? ` (also accepted: ${others.join(', ')})` : '';
  return `missing \`${primary}\`${also}`;
}

/** `http_502` → 502 (−1 in the cache: not an HTTP status code). */
function httpStatusFromCode(code: string): number | undefined {
  const status = cachedBy(statusOfCode, code, statusIn);
  return status === -1 ? undefined : status;
}

function statusIn(code: string): number {
  const m = /^http_(\d{3})$/.exec(code);
  return m ? Number(m[1]) : -1;
}

const statusOfCode = new Map<string, number>();

/**
 * Positions of keys whose values normalisation only parses or looks up (timestamp; code, service, severity and stage
 * go through the bounded caches, which keep copies): FlatLineReader need not copy them out of the line. A key that
 * also fills a field kept as given (id, merchant, text, endpoint, ...) is not transient.
 */
function transientPositions(keys: readonly string[], fieldKeys: readonly (string | undefined)[]): number[] {
  const out: number[] = [];
  keys.forEach((key, i) => {
    const fields = fieldKeys.flatMap((k, f) => (k === key ? [f] : []));
    if (fields.length > 0 && fields.every((f) => TRANSIENT_FIELDS.includes(f))) out.push(i);
  });
  return out;
}

const TRANSIENT_FIELDS: readonly number[] = [TIMESTAMP, CODE, SERVICE, SEVERITY, STAGE];

/** extraFields() for values read in key order by a plan's FlatLineReader. */
function extraFromValues(values: readonly unknown[], plan: KeyPlan): Record<string, unknown> {
  const extra = Object.create(null) as Record<string, unknown>;
  for (let i = 0; i < plan.extraIndex.length; i++) {
    const at = plan.extraIndex[i] as number;
    extra[plan.keys[at] as string] = values[at];
  }
  return extra;
}

/**
 * Unknown fields, kept verbatim. The copy has no prototype, so a `__proto__` or `constructor` key in the data is a
 * plain own property: it can never reach Object.prototype, and copying `extra` with spread stays safe too.
 */
function extraFields(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const extra = Object.create(null) as Record<string, unknown>;
  for (const key of keys) extra[key] = record[key];
  return extra;
}
