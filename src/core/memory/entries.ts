import { z } from 'zod';
import type { JournalEntry } from '../ports/journal';
import {
  ActionTypeSchema,
  ApprovalSchema,
  ApprovalStatusSchema,
  CauseSchema,
  ReasoningModeSchema,
  ScopeSchema,
  type Incident,
} from '../report/schema';

/**
 * The `data` of the journal entries that Act and Memory write and read back. Readers validate, because
 * the journal is a file on disk: an entry that does not match is skipped by the folds (and the chain
 * check in `verify()` says whether the file was altered), never trusted blindly.
 */

// ---- action: written by ActionExecutor around every effect --------------------------------------
export const ACTION_PHASES = ['executing', 'done', 'failed', 'needs_review'] as const;
export type ActionPhase = (typeof ACTION_PHASES)[number];

export const ActionEntrySchema = z.object({
  actionId: z.string(),
  /** Idempotency key (incident fingerprint + type + params). */
  key: z.string(),
  type: ActionTypeSchema,
  incidentId: z.string(),
  fingerprint: z.string(),
  phase: z.enum(ACTION_PHASES),
  /** 1 for the first execution, +1 per user retry. */
  attempt: z.number().int().positive(),
  /** Only on `executing`: the parameters the effect ran with. */
  params: z.record(z.string(), z.unknown()).optional(),
  approvalId: z.string().optional(),
  result: z.string().optional(),
  error: z.string().optional(),
});
export type ActionEntryData = z.infer<typeof ActionEntrySchema>;

// ---- approval: written by ApprovalBook on every transition ---------------------------------------
export const ApprovalEntrySchema = z.object({
  approvalId: z.string(),
  status: ApprovalStatusSchema,
  /** Only on `pending` (creation): the full approval as shown to people. */
  approval: ApprovalSchema.optional(),
  /** Only on `pending`: the action's idempotency key. */
  key: z.string().optional(),
  by: z.string().optional(),
  reason: z.string().optional(),
  result: z.string().optional(),
  error: z.string().optional(),
});
export type ApprovalEntryData = z.infer<typeof ApprovalEntrySchema>;

// ---- outcome: written by Memory.recordOutcome ----------------------------------------------------
export const OUTCOMES = ['resolved', 'false_positive', 'wrong_cause'] as const;
export type OutcomeKind = (typeof OUTCOMES)[number];

export const OutcomeEntrySchema = z.object({
  incidentId: z.string(),
  outcome: z.enum(OUTCOMES),
  by: z.string(),
  /** Rule behind the chosen hypothesis when the outcome was recorded (absent for LLM-only causes). */
  ruleId: z.string().optional(),
  cause: CauseSchema.optional(),
  fingerprint: z.string().optional(),
  note: z.string().optional(),
});
export type OutcomeEntryData = z.infer<typeof OutcomeEntrySchema>;

// ---- automation: pause / resume ------------------------------------------------------------------
export const AutomationEntrySchema = z.object({
  paused: z.boolean(),
  by: z.string(),
  reason: z.string().optional(),
  /** Set when the pause came from a `pause_automation` action (its idempotency key). */
  actionKey: z.string().optional(),
});
export type AutomationEntryData = z.infer<typeof AutomationEntrySchema>;

// ---- incident: a compact summary after each reasoning pass (what Memory indexes) -----------------
export const IncidentSummarySchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  status: z.enum(['open', 'quiet', 'resolved']),
  title: z.string(),
  scope: ScopeSchema,
  merchants: z.array(z.string()),
  signatures: z.array(z.string()),
  firstSeen: z.number(),
  lastSeen: z.number(),
  cause: CauseSchema.optional(),
  confidence: z.number().optional(),
  reasoningMode: ReasoningModeSchema.optional(),
  /** Rule that produced the chosen (top) hypothesis; absent when it came from the model. */
  ruleId: z.string().optional(),
  hypotheses: z
    .array(z.object({ cause: CauseSchema, confidence: z.number(), ruleId: z.string().optional(), model: z.string().optional() }))
    .optional(),
  llm: z
    .object({ model: z.string(), cacheHit: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional(), attempts: z.number() })
    .optional(),
});
export type IncidentSummary = z.infer<typeof IncidentSummarySchema>;
export const IncidentEntrySchema = z.object({ incident: IncidentSummarySchema });
export type IncidentEntryData = z.infer<typeof IncidentEntrySchema>;

/** The `incident` entry the loop appends after reasoning about an incident (bounded: no evidence copies). */
export function incidentEntryData(incident: Incident): IncidentEntryData {
  const top = incident.hypotheses?.[0];
  const summary: IncidentSummary = {
    id: incident.id,
    fingerprint: incident.fingerprint,
    status: incident.status,
    title: incident.title,
    scope: incident.scope,
    merchants: [...incident.merchants],
    signatures: incident.signatures.map((s) => s.signature),
    firstSeen: incident.firstSeen,
    lastSeen: incident.lastSeen,
    cause: incident.cause,
    confidence: incident.confidence,
    reasoningMode: incident.reasoningMode,
    ruleId: top && top.cause === incident.cause && top.source.kind === 'rule' ? top.source.ruleId : undefined,
    hypotheses: incident.hypotheses?.map((h) => ({
      cause: h.cause,
      confidence: h.confidence,
      ...(h.source.kind === 'rule' ? { ruleId: h.source.ruleId } : { model: h.source.model }),
    })),
    llm: incident.llm
      ? { model: incident.llm.model, cacheHit: incident.llm.cacheHit, latencyMs: incident.llm.latencyMs, error: incident.llm.error, attempts: incident.llm.attempts }
      : undefined,
  };
  return { incident: dropUndefined(summary) };
}

function dropUndefined<T extends object>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

/** Typed read of one entry, or undefined when it is another type or does not match its schema. */
export function readEntry<T>(entry: JournalEntry, type: JournalEntry['type'], schema: z.ZodType<T>): T | undefined {
  if (entry.type !== type) return undefined;
  const parsed = schema.safeParse(entry.data);
  return parsed.success ? parsed.data : undefined;
}

