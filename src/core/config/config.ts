import { z } from 'zod';

/**
 * Every tunable of the loop, with defaults. The CLI builds it from flags, the extension from `cosmos.*`
 * settings; the core reads it only through this type. Thresholds default to the prototype's values.
 */
export const CosmosConfigSchema = z.object({
  sources: z
    .object({
      events: z.array(z.string()).default(['events*.{json,ndjson,jsonl}', 'data/events*.{json,ndjson,jsonl}']),
      tickets: z.array(z.string()).default(['tickets*.{json,ndjson,jsonl}', 'data/tickets*.{json,ndjson,jsonl}']),
      ignored: z.array(z.string()).default(['**/node_modules/**', '**/.git/**', '**/.cosmos/**']),
      /** Longest accepted NDJSON line in bytes; longer lines are reported and skipped. */
      maxLineBytes: z.number().int().positive().default(1_000_000),
    })
    .prefault({}),
  observe: z
    .object({
      /** Window for counting, in ms of event time. */
      windowMs: z.number().int().positive().default(10 * 60_000),
      /** Prototype: ≥ 5 repeats of one error type is anomalous. */
      repeatThreshold: z.number().positive().default(5),
      /** ≥ this many merchants with the same failure in one window is platform-wide. */
      platformMerchants: z.number().int().positive().default(10),
      /** ≥ this many merchants (below platform) is multi-merchant. */
      multiMerchant: z.number().int().positive().default(3),
      spikeZ: z.number().positive().default(3),
      ticketSurge: z.number().positive().default(3),
      /** An incident with no new evidence for this long (event time) goes quiet; recurrence reopens it. */
      quietAfterMs: z.number().int().positive().default(60 * 60_000),
      evidenceSample: z.number().int().positive().default(50),
    })
    .prefault({}),
  reason: z
    .object({
      /** Below this top confidence an incident is ambiguous. */
      ambiguityThreshold: z.number().min(0).max(1).default(0.6),
      /** Top two hypotheses within this margin ⇒ ambiguous. */
      ambiguityMargin: z.number().min(0).max(1).default(0.1),
      /** Observation confidence below this ⇒ ambiguous. */
      minObservationConfidence: z.number().min(0).max(1).default(0.5),
      rulesFile: z.string().optional(),
    })
    .prefault({}),
  decide: z
    .object({
      autonomy: z.enum(['off', 'suggest', 'auto-low-risk']).default('auto-low-risk'),
      /** Prototype blocked all automation below 0.6 observation confidence. */
      minObservationConfidence: z.number().min(0).max(1).default(0.6),
      minReasoningConfidence: z
        .object({ low: z.number().default(0.6), medium: z.number().default(0.8), high: z.number().default(0.9) })
        .prefault({}),
      maxAutoActionsPerHour: z.number().int().nonnegative().default(20),
      cooldownMs: z.number().int().nonnegative().default(6 * 60 * 60_000),
      approvalTtlMs: z.number().int().positive().default(24 * 60 * 60_000),
    })
    .prefault({}),
  act: z
    .object({
      /** Where drafts and reports are written (relative to the workspace / data folder). */
      outDir: z.string().default('.cosmos/out'),
      webhookUrl: z.string().url().optional(),
      escalationUrl: z.string().url().optional(),
      httpTimeoutMs: z.number().int().positive().default(10_000),
      /** False in an untrusted workspace: observe and reason only. */
      allowEffects: z.boolean().default(true),
    })
    .prefault({}),
  llm: z
    .object({
      mode: z.enum(['off', 'auto', 'on']).default('auto'),
      host: z.string().default('http://127.0.0.1:11434'),
      model: z.string().default('phi3:mini'),
      timeoutMs: z.number().int().positive().default(30_000),
      maxInFlight: z.number().int().positive().default(1),
      /** LLM-only hypotheses are capped at this confidence unless a rule agrees. */
      confidenceCap: z.number().min(0).max(1).default(0.7),
    })
    .prefault({}),
});

export type CosmosConfig = z.infer<typeof CosmosConfigSchema>;
export type CosmosConfigInput = z.input<typeof CosmosConfigSchema>;

export function makeConfig(input: CosmosConfigInput = {}): CosmosConfig {
  return CosmosConfigSchema.parse(input);
}
