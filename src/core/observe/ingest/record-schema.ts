import { z } from 'zod';
import { previewValue } from './describe-value';
import { canonicalCode, canonicalService } from './field-aliases';
import { parseTimestamp } from './parse-timestamp';

/**
 * zod schemas for the values of a record once its field names have been resolved (see normalise-record.ts).
 * Every error message is the predicate of a sentence whose subject is the raw field name:
 * "`timestamp`" + " is not a date: \"yesterday\"". MISSING marks an absent required field so the caller can
 * name the accepted aliases instead.
 */
export const MISSING = '\u0000missing';

const scalar = (what: string) =>
  z.union([z.string(), z.number()], {
    error: (iss) =>
      iss.input === undefined ? MISSING : iss.input === null ? 'is null' : `is not ${what}: ${previewValue(iss.input)}`,
  });

const nonEmpty = (value: string, ctx: z.core.$RefinementCtx<string | number>): string => {
  const text = value.trim();
  if (!text) ctx.issues.push({ code: 'custom', message: 'is empty', input: value });
  return text;
};

/** Ids and merchants: strings or numbers, trimmed, not empty. */
const idValue = scalar('a string or number').transform((v, ctx) => nonEmpty(String(v), ctx));

/** HTTP statuses as numbers become `http_<n>`; other numeric codes `error_<n>` so they never pose as HTTP. */
const codeValue = scalar('a code (text or number)').transform((v, ctx) => {
  const text = nonEmpty(String(v), ctx);
  if (!/^\d+$/.test(text)) return canonicalCode(text);
  const n = Number(text);
  return n >= 100 && n <= 599 ? `http_${n}` : `error_${n}`;
});


const timestampValue = scalar('a date').transform((v, ctx) => {
  const parsed = parseTimestamp(v);
  if (parsed.ok) return parsed.ms;
  ctx.issues.push({ code: 'custom', message: `is not a date: ${previewValue(v)}`, input: v });
  return z.NEVER;
});

const optionalText = z
  .union([z.string(), z.number()], { error: (iss) => `is not text: ${previewValue(iss.input)}` })
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : String(v).trim() || undefined));

const optionalCode = optionalText.transform((v) => (v === undefined ? undefined : canonicalCode(v)));

/** An empty or null service is the same as none: the kind's default applies. */
const serviceValue = optionalText.transform((v) => (v === undefined ? undefined : canonicalService(v)));

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .union([z.number(), z.string()], { error: (iss) => `is not ${what}: ${previewValue(iss.input)}` })
    .nullish()
    .transform((v, ctx) => {
      if (v === null || v === undefined) return undefined;
      const n = typeof v === 'number' ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      ctx.issues.push({ code: 'custom', message: `is not ${what}: ${previewValue(v)}`, input: v });
      return z.NEVER;
    });

export const RecordValuesSchema = z.object({
  id: idValue,
  merchantId: idValue,
  code: codeValue,
  service: serviceValue,
  timestamp: timestampValue,
  text: optionalText,
  subject: optionalText,
  severity: optionalCode,
  migrationStage: optionalCode,
  endpoint: optionalText,
  weight: wholeNumber('a positive whole number', 1, Number.MAX_SAFE_INTEGER),
  httpStatus: wholeNumber('an HTTP status (100–599)', 100, 599),
});

export type RecordValues = z.output<typeof RecordValuesSchema>;
