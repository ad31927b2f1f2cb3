import { z } from 'zod';
import type { Cause } from '../../report/schema';

/**
 * The answer a model must give, as a zod schema (validation) and as JSON Schema (Ollama's `format`, which
 * constrains decoding). Compact on purpose: small CPU models write ~6–25 tokens/s, and every field costs time.
 * Bounds are lengths, counts and enums only — Ollama's structured output ignores regex `pattern`.
 */

export const ANSWER_LIMITS = {
  maxHypotheses: 4,
  explanationChars: 300,
  evidenceItems: 6,
  evidenceChars: 80,
  unknownItems: 4,
  unknownChars: 160,
} as const;

export function answerSchema(allowedCauses: readonly Cause[]) {
  const causes = [...new Set<Cause>([...allowedCauses, 'unknown'])] as [Cause, ...Cause[]];
  return z.object({
    hypotheses: z
      .array(
        z.object({
          cause: z.enum(causes),
          confidence: z.number().min(0).max(1),
          explanation: z.string().max(ANSWER_LIMITS.explanationChars),
          evidence: z.array(z.string().max(ANSWER_LIMITS.evidenceChars)).max(ANSWER_LIMITS.evidenceItems).optional(),
        }),
      )
      .min(1)
      .max(ANSWER_LIMITS.maxHypotheses),
    unknowns: z.array(z.string().max(ANSWER_LIMITS.unknownChars)).max(ANSWER_LIMITS.unknownItems).optional(),
  });
}

export type LlmAnswer = z.infer<ReturnType<typeof answerSchema>>;
export type LlmAnswerHypothesis = LlmAnswer['hypotheses'][number];

const jsonSchemas = new Map<string, Record<string, unknown>>();

/**
 * JSON Schema for Ollama's `format` (and echoed in the prompt, as Ollama's docs advise); `$schema` is dropped as
 * noise to the model. Memoised per cause list: it is built for every prompt. Treat the result as read-only.
 */
export function answerJsonSchema(allowedCauses: readonly Cause[]): Record<string, unknown> {
  const key = allowedCauses.join(',');
  let schema = jsonSchemas.get(key);
  if (!schema) {
    const { $schema: _drop, ...rest } = z.toJSONSchema(answerSchema(allowedCauses)) as Record<string, unknown>;
    schema = rest;
    jsonSchemas.set(key, schema);
  }
  return schema;
}
