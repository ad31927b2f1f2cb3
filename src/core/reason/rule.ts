import { z } from 'zod';
import { CauseSchema, type Cause } from '../report/schema';
import type { Condition } from './condition';

/**
 * A reasoning rule as data: when `when` holds over an incident's features, the rule proposes `cause`
 * with `confidence`, raised or lowered by each boost whose condition also holds.
 * `explanation` is a template: `${field}` inserts a feature value, `${%field}` a share as a percentage
 * (e.g. "${count:http_401@webhook} webhook 401s at ${merchants}").
 */
export interface Boost {
  when: Condition;
  add: number;
  /** Short reason shown in the explanation, e.g. "tickets mention webhooks". */
  because: string;
}

export interface Rule {
  id: string;
  cause: Cause;
  description: string;
  when: Condition;
  confidence: number;
  boosts?: Boost[];
  explanation: string;
  /** Fallback rules only count when no other rule fired (the `unknown` rule). */
  fallback?: boolean;
}

/**
 * The zod shell of a rule: conditions are `unknown` here and checked by `validateCondition`, which
 * reports precise paths for the recursive language (zod's messages for recursive unions are unreadable).
 */
export const RuleShellSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, ".", "_" or "-"'),
  cause: CauseSchema,
  description: z.string().default(''),
  when: z.unknown(),
  confidence: z.number().min(0).max(1),
  boosts: z
    .array(z.strictObject({ when: z.unknown(), add: z.number().min(-1).max(1), because: z.string().min(1) }))
    .optional(),
  explanation: z.string().min(1),
  fallback: z.boolean().optional(),
});

export const RulesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Built-in rule ids to switch off. */
  disable: z.array(z.string()).default([]),
  rules: z.array(z.unknown()).default([]),
});
