import type { CosmosConfig } from '../config/config';
import type { ActionReport, ActionType, Cause, Decision, Gate } from '../report/schema';
import type { ObservedIncident, ReasoningResult } from '../reason/types';
import {
  autonomyGate,
  cooldownGate,
  effectsAllowedGate,
  llmOnlyGate,
  observationGate,
  pausedGate,
  rateLimitGate,
  reasoningGate,
  riskGate,
  scopeGate,
  targetGate,
  type GateInput,
  type GateVerdict,
} from './gates';
import { POLICY, riskOf } from './policy';

/** What Decide needs besides the incident; the loop supplies the real functions, tests simple ones. */
export interface DecideContext {
  readonly config: CosmosConfig;
  /** Decision time (epoch ms), for the record; gates use event-time counts supplied below. */
  readonly now: number;
  /** Automatic actions already executed in the last hour (memory). */
  readonly autoActionsLastHour: number;
  /** Cooldown: was an action with this idempotency key proposed within decide.cooldownMs? */
  readonly alreadyProposed: (key: string) => boolean;
  readonly paused: boolean;
  /** True when the cause came only from an LLM hypothesis (no rule agrees). */
  readonly llmOnly: (cause: Cause) => boolean;
  readonly actionParams: (type: ActionType, incident: DecideInput) => Record<string, unknown>;
  readonly actionKey: (fingerprint: string, type: ActionType, params: Record<string, unknown>) => string;
}

/** An incident after Reason (deterministic or LLM). */
export type DecideInput = ObservedIncident &
  Pick<ReasoningResult, 'cause' | 'confidence'> &
  Partial<Omit<ReasoningResult, 'cause' | 'confidence' | 'reasoningMode'>> & { reasoningMode?: string };

export interface PlannedAction {
  /** status is pending_approval, blocked or skipped; never executed (Act sets that). */
  readonly report: ActionReport;
  /** Every gate passed: Act may execute it now without approval. */
  readonly autoExecute: boolean;
}

export interface DecideResult {
  readonly decision: Decision;
  readonly planned: PlannedAction[];
}

/** Gates whose numbers sit on the same 0..1 scale, so "closest to flipping" is comparable across them. */
const MARGIN_GATES = new Set(['observation_confidence', 'reasoning_confidence']);

/**
 * Policy + safety gates: proposes the policy's actions for the cause and runs every gate on each.
 * The first failing gate of the strongest kind wins: skip > block > approval; an action that passes
 * everything is auto-executable (and counts against the hourly rate limit for the next one).
 */
export function decide(incident: DecideInput, ctx: DecideContext): DecideResult {
  const planned: PlannedAction[] = [];
  let autoPlanned = 0;
  for (const policyAction of POLICY[incident.cause]) {
    const type = policyAction.type;
    const risk = riskOf(policyAction);
    const params = ctx.actionParams(type, incident);
    const key = ctx.actionKey(incident.fingerprint, type, params);
    const input: GateInput = {
      type,
      risk,
      cause: incident.cause,
      scope: incident.scope,
      reasoningConfidence: incident.confidence,
      observationConfidence: incident.observationConfidence.value,
      config: ctx.config,
    };
    const verdicts: GateVerdict[] = [
      autonomyGate(input),
      effectsAllowedGate(input),
      targetGate(input),
      cooldownGate(input, ctx.alreadyProposed(key)),
      observationGate(input),
      reasoningGate(input),
      riskGate(input),
      scopeGate(input),
      llmOnlyGate(input, ctx.llmOnly(incident.cause)),
      pausedGate(input, ctx.paused),
    ];
    const wouldAuto = verdicts.every((v) => v.outcome === 'pass');
    // The rate limit only concerns actions that would otherwise run by themselves.
    const rate = rateLimitGate(input, ctx.autoActionsLastHour + autoPlanned);
    if (wouldAuto) verdicts.push(rate);
    const outcome = strongest(verdicts);
    const autoExecute = outcome === 'pass';
    if (autoExecute) autoPlanned++;
    const report: ActionReport = {
      id: `${incident.id}:${type}`,
      type,
      risk,
      status: outcome === 'skip' ? 'skipped' : outcome === 'block' ? 'blocked' : 'pending_approval',
      gates: verdicts.map((v) => v.gate),
      params,
      key,
      reason: reasonLine(outcome, verdicts, policyAction.why),
    };
    planned.push({ report, autoExecute });
  }
  const binding = bindingGate(planned);
  return {
    planned,
    decision: {
      cause: incident.cause,
      confidence: incident.confidence,
      actions: planned.map((p) => p.report),
      ...(binding ? { bindingGate: binding.name, ...(binding.margin !== undefined ? { margin: binding.margin } : {}) } : {}),
      summary: summaryLine(incident, planned, binding),
    },
  };
}

function strongest(verdicts: readonly GateVerdict[]): GateVerdict['outcome'] {
  for (const kind of ['skip', 'block', 'approval'] as const) if (verdicts.some((v) => v.outcome === kind)) return kind;
  return 'pass';
}

function reasonLine(outcome: GateVerdict['outcome'], verdicts: readonly GateVerdict[], why: string): string {
  if (outcome === 'pass') return `executes automatically: all ${verdicts.length} gates passed — ${why}`;
  const failing = verdicts.filter((v) => v.outcome === outcome).map((v) => v.gate.detail);
  const label = outcome === 'skip' ? 'skipped' : outcome === 'block' ? 'blocked' : 'needs approval';
  return `${label}: ${failing.join('; ')} — ${why}`;
}

interface Binding {
  readonly name: string;
  readonly margin?: number;
  readonly passed: boolean;
}

/**
 * The gate closest to flipping an outcome: among the 0..1 confidence gates of actions that were not
 * skipped, the one with the smallest |value − required|. When everything was skipped, the skipping
 * gate binds (no margin: it is not a number that could move).
 */
function bindingGate(planned: readonly PlannedAction[]): Binding | undefined {
  let best: { gate: Gate; type: ActionType; margin: number } | undefined;
  for (const p of planned) {
    if (p.report.status === 'skipped') continue;
    for (const gate of p.report.gates) {
      if (!MARGIN_GATES.has(gate.name) || gate.value === undefined || gate.required === undefined) continue;
      if (p.report.type === 'monitor' && gate.name === 'reasoning_confidence') continue; // no real bar
      const margin = gate.value - gate.required;
      if (!best || Math.abs(margin) < Math.abs(best.margin)) best = { gate, type: p.report.type, margin };
    }
  }
  if (best) return { name: `${best.gate.name} (${best.type})`, margin: Math.round(best.margin * 1000) / 1000, passed: best.gate.passed };
  const skipped = planned[0]?.report.gates.find((g) => !g.passed && g.effect === 'block');
  return skipped ? { name: skipped.name, passed: false } : undefined;
}

function summaryLine(incident: DecideInput, planned: readonly PlannedAction[], binding: Binding | undefined): string {
  const groups: [string, PlannedAction[]][] = [
    ['automatic', planned.filter((p) => p.autoExecute)],
    ['awaiting approval', planned.filter((p) => !p.autoExecute && p.report.status === 'pending_approval')],
    ['blocked', planned.filter((p) => p.report.status === 'blocked')],
    ['skipped', planned.filter((p) => p.report.status === 'skipped')],
  ];
  const parts = groups
    .filter(([, list]) => list.length > 0)
    .map(([label, list]) => `${list.length} ${label} (${list.map((p) => p.report.type).join(', ')})`);
  let line = `${incident.cause} at ${incident.confidence.toFixed(2)}: ${parts.join(', ') || 'no action'}`;
  if (binding) {
    line +=
      binding.margin === undefined
        ? `; binding gate ${binding.name}`
        : `; binding gate ${binding.name} ${binding.passed ? 'passed' : 'failed'} by ${Math.abs(binding.margin).toFixed(2)}`;
  }
  return line;
}
