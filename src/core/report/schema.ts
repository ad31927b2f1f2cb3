import { z } from 'zod';

/**
 * The one report shape shared by `cosmos analyze --json`, the journal's summaries, the extension's tree
 * and the dashboard. Published as JSON Schema under docs/ (see `scripts/gen-schemas.ts`).
 * Later stages fill the optional fields; nothing here is renamed once published.
 */

export const CAUSES = [
  'migration_misconfiguration',
  'webhook_auth_failure',
  'webhook_delivery_failure',
  'frontend_backend_mismatch',
  'platform_regression',
  'api_data_inconsistency',
  'rate_limiting',
  'api_auth_failure',
  'documentation_gap',
  'normal_operation',
  'unknown',
] as const;
export const CauseSchema = z.enum(CAUSES);
export type Cause = z.infer<typeof CauseSchema>;

export const ACTION_TYPES = [
  'monitor',
  'draft_support_reply',
  'suggest_doc_update',
  'create_escalation',
  'notify_webhook',
  'pause_automation',
] as const;
export const ActionTypeSchema = z.enum(ACTION_TYPES);
export type ActionType = z.infer<typeof ActionTypeSchema>;

export const RiskSchema = z.enum(['low', 'medium', 'high']);
export type Risk = z.infer<typeof RiskSchema>;

export const ScopeSchema = z.enum(['merchant', 'multi_merchant', 'platform']);
export type Scope = z.infer<typeof ScopeSchema>;

export const ReasoningModeSchema = z.enum(['deterministic', 'llm', 'hybrid', 'llm_failed']);
export type ReasoningMode = z.infer<typeof ReasoningModeSchema>;

export const SourceSummarySchema = z.object({
  file: z.string(),
  kind: z.enum(['events', 'tickets']),
  format: z.enum(['json', 'ndjson']),
  /** Valid records taken in. */
  records: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type SourceSummary = z.infer<typeof SourceSummarySchema>;

export const InvalidRecordSchema = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  message: z.string(),
});

export const EvidenceRefSchema = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive().optional(),
  recordId: z.string(),
  kind: z.enum(['event', 'ticket']),
  merchantId: z.string(),
  code: z.string(),
  timestamp: z.number(),
});
export type EvidenceRef = z.infer<typeof EvidenceRefSchema>;

export const DETECTORS = [
  'threshold',
  'spike',
  'new_code',
  'spread',
  'ticket_surge',
  'silent_failure',
  'tickets_without_errors',
] as const;
export const AnomalySchema = z.object({
  detector: z.enum(DETECTORS),
  /** e.g. `http_401@webhook` or `ticket:api_200_inconsistent`. */
  signature: z.string(),
  merchants: z.array(z.string()),
  /** Baseline the detector compared against (null for detectors without one, e.g. new_code). */
  baseline: z.number().nullable(),
  observed: z.number(),
  threshold: z.number(),
  windowStart: z.number(),
  windowEnd: z.number(),
  explanation: z.string(),
});
export type Anomaly = z.infer<typeof AnomalySchema>;

export const SignatureStatSchema = z.object({
  signature: z.string(),
  kind: z.enum(['event', 'ticket']),
  code: z.string(),
  service: z.string(),
  /** Weighted occurrences inside the incident. */
  count: z.number(),
  merchants: z.array(z.string()),
});
export type SignatureStat = z.infer<typeof SignatureStatSchema>;

/**
 * What rules reason over: computed by Observe from the incident's records, never from raw text.
 * Rule conditions (src/core/reason) address these fields by name.
 */
export const IncidentFeaturesSchema = z.object({
  eventCount: z.number(),
  ticketCount: z.number(),
  merchantCount: z.number(),
  /** Distinct event error codes. */
  errorCodes: z.array(z.string()),
  /** Distinct ticket issues. */
  ticketIssues: z.array(z.string()),
  services: z.array(z.string()),
  migrationStages: z.array(z.string()),
  endpoints: z.array(z.string()),
  httpStatuses: z.array(z.number()),
  distinctErrorTypes: z.number(),
  /** Weighted count per event error code / ticket issue. */
  countsByCode: z.record(z.string(), z.number()),
  /** Tickets whose merchant also has events in this incident. */
  ticketsWithErrors: z.number(),
  /** Tickets with no matching errors for their merchant ("documentation gap" shape). */
  ticketsWithoutErrors: z.number(),
  /** Events whose merchant raised no ticket ("silent failure" shape). */
  errorsWithoutTickets: z.number(),
  /** Tickets whose text reads like a how-to question (keyword heuristic in Observe). */
  howToTickets: z.number(),
  /** Error codes never seen before this incident's window. */
  newCodes: z.array(z.string()),
  durationMs: z.number(),
  detectors: z.array(z.enum(DETECTORS)),
});
export type IncidentFeatures = z.infer<typeof IncidentFeaturesSchema>;

export const ObservationConfidenceSchema = z.object({
  value: z.number().min(0).max(1),
  /** What lowered it, e.g. "no ticket source (-0.2)", "3.1 % invalid records (-0.03)". */
  factors: z.array(z.object({ name: z.string(), delta: z.number(), detail: z.string() })),
});

export const HypothesisSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rule'), ruleId: z.string() }),
  z.object({ kind: z.literal('llm'), model: z.string() }),
]);

export const HypothesisSchema = z.object({
  cause: CauseSchema,
  confidence: z.number().min(0).max(1),
  explanation: z.string(),
  evidence: z.array(z.string()),
  source: HypothesisSourceSchema,
  /** Set when outcome feedback adjusted the rule's raw confidence. */
  calibration: z
    .object({ raw: z.number(), calibrated: z.number(), precision: z.number(), samples: z.number(), detail: z.string() })
    .optional(),
  /** True when a rule agreed with an LLM hypothesis (LLM confidence is capped otherwise). */
  ruleAgrees: z.boolean().optional(),
});
export type Hypothesis = z.infer<typeof HypothesisSchema>;

export const GateSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  /** Human sentence with the numbers: "reasoning confidence 0.62 < 0.80 required for medium risk". */
  detail: z.string(),
  value: z.number().optional(),
  required: z.number().optional(),
  /** What failing this gate means for the action. */
  effect: z.enum(['block', 'require_approval']).optional(),
});
export type Gate = z.infer<typeof GateSchema>;

export const ACTION_STATUSES = ['executed', 'pending_approval', 'blocked', 'skipped', 'failed'] as const;
export const ActionReportSchema = z.object({
  id: z.string(),
  type: ActionTypeSchema,
  risk: RiskSchema,
  status: z.enum(ACTION_STATUSES),
  gates: z.array(GateSchema),
  params: z.record(z.string(), z.unknown()),
  /** Idempotency key: incident fingerprint + action + parameters. */
  key: z.string(),
  reason: z.string(),
  approvalId: z.string().optional(),
  result: z.string().optional(),
  error: z.string().optional(),
});
export type ActionReport = z.infer<typeof ActionReportSchema>;

export const DecisionSchema = z.object({
  cause: CauseSchema,
  confidence: z.number(),
  actions: z.array(ActionReportSchema),
  /** The gate that decided the outcome, and by how much it passed or failed. */
  bindingGate: z.string().optional(),
  margin: z.number().optional(),
  summary: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

export const LlmTraceSchema = z.object({
  model: z.string(),
  prompt: z.string(),
  rawAnswer: z.string().optional(),
  repairs: z.array(z.string()),
  latencyMs: z.number().optional(),
  cacheHit: z.boolean(),
  error: z.string().optional(),
  attempts: z.number().int(),
});
export type LlmTrace = z.infer<typeof LlmTraceSchema>;

export const IncidentStatusSchema = z.enum(['open', 'quiet', 'resolved']);

export const IncidentSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  status: IncidentStatusSchema,
  title: z.string(),
  scope: ScopeSchema,
  merchants: z.array(z.string()),
  firstSeen: z.number(),
  lastSeen: z.number(),
  /** Up to a bounded sample of evidence references (never copies of records). */
  evidence: z.array(EvidenceRefSchema),
  anomalies: z.array(AnomalySchema),
  signatures: z.array(SignatureStatSchema),
  features: IncidentFeaturesSchema,
  observationConfidence: ObservationConfidenceSchema,
  reopened: z.number().int().nonnegative(),
  cause: CauseSchema.optional(),
  confidence: z.number().optional(),
  reasoningMode: ReasoningModeSchema.optional(),
  hypotheses: z.array(HypothesisSchema).optional(),
  ambiguity: z.object({ ambiguous: z.boolean(), reasons: z.array(z.string()) }).optional(),
  llm: LlmTraceSchema.optional(),
  decision: DecisionSchema.optional(),
});
export type Incident = z.infer<typeof IncidentSchema>;

export const ApprovalStatusSchema = z.enum([
  'pending',
  'approved',
  'executing',
  'done',
  'failed',
  'rejected',
  'expired',
  'superseded',
  'needs_review',
]);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

export const ApprovalSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  fingerprint: z.string(),
  actionId: z.string(),
  type: ActionTypeSchema,
  params: z.record(z.string(), z.unknown()),
  risk: RiskSchema,
  reason: z.string(),
  /** Hash of action type + params the approval was shown for. */
  actionHash: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  status: ApprovalStatusSchema,
  decidedBy: z.string().optional(),
  decisionReason: z.string().optional(),
  result: z.string().optional(),
  error: z.string().optional(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const ReportSchema = z.object({
  version: z.literal(1),
  dataDir: z.string(),
  /** Latest event time seen (epoch ms) — the report is a function of the input, not of wall time. */
  asOf: z.number().nullable(),
  sources: z.array(SourceSummarySchema),
  invalidRecords: z.array(InvalidRecordSchema),
  incidents: z.array(IncidentSchema),
  approvals: z.array(ApprovalSchema).optional(),
  llm: z
    .object({
      mode: z.enum(['off', 'auto', 'on']),
      status: z.string(),
      escalated: z.number().int(),
      escalations: z.array(z.object({ incidentId: z.string(), reasons: z.array(z.string()) })),
    })
    .optional(),
  summary: z.object({
    records: z.number().int(),
    invalid: z.number().int(),
    incidents: z.number().int(),
    executed: z.number().int().optional(),
    pendingApprovals: z.number().int().optional(),
  }),
});
export type Report = z.infer<typeof ReportSchema>;
