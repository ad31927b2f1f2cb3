import type { CosmosConfig } from '../config/config';
import type { ActionType, Cause, Gate, Risk, Scope } from '../report/schema';

/**
 * The safety gates, one function each. Every verdict is recorded (passed or not) with a sentence that
 * carries the numbers, so the report shows why an action executed, waits, was blocked or skipped.
 * `outcome` says what a failure means: skip (not proposed at all), block (proposed, cannot run even
 * with approval) or approval (a human must approve).
 */
export type GateOutcome = 'pass' | 'skip' | 'block' | 'approval';

export interface GateVerdict {
  readonly gate: Gate;
  readonly outcome: GateOutcome;
}

export interface GateInput {
  readonly type: ActionType;
  readonly risk: Risk;
  readonly cause: Cause;
  readonly scope: Scope;
  readonly reasoningConfidence: number;
  readonly observationConfidence: number;
  readonly config: CosmosConfig;
}

const f2 = (n: number) => n.toFixed(2);

function verdict(
  name: string,
  passed: boolean,
  detail: string,
  failure: Exclude<GateOutcome, 'pass'>,
  numbers: { value?: number; required?: number } = {},
): GateVerdict {
  return {
    gate: { name, passed, detail, ...numbers, effect: failure === 'approval' ? 'require_approval' : 'block' },
    outcome: passed ? 'pass' : failure,
  };
}

export function autonomyGate(a: GateInput): GateVerdict {
  const mode = a.config.decide.autonomy;
  if (mode === 'off') return verdict('autonomy', false, 'autonomy is off: COSMOS observes and reasons but proposes nothing', 'skip');
  if (mode === 'suggest') return verdict('autonomy', false, 'autonomy is "suggest": every action waits for approval', 'approval');
  if (a.risk === 'low') return verdict('autonomy', true, 'autonomy "auto-low-risk" lets low-risk actions run automatically', 'approval');
  return verdict('autonomy', false, `autonomy "auto-low-risk" runs only low-risk actions; ${a.risk} risk needs approval`, 'approval');
}

/** In an untrusted workspace only `monitor` (a journal note) is allowed. */
export function effectsAllowedGate(a: GateInput): GateVerdict {
  if (a.type === 'monitor' || a.config.act.allowEffects) {
    return verdict('effects_allowed', true, a.type === 'monitor' ? 'monitor only records a note' : 'effects are allowed in this workspace', 'skip');
  }
  return verdict('effects_allowed', false, 'effects are disabled (untrusted workspace): observe and reason only', 'skip');
}

/** notify_webhook needs a URL; create_escalation posts only when one is set and always writes its report file. */
export function targetGate(a: GateInput): GateVerdict {
  if (a.type === 'notify_webhook') {
    return a.config.act.webhookUrl
      ? verdict('target_configured', true, 'webhook URL configured (act.webhookUrl)', 'skip')
      : verdict('target_configured', false, 'no webhook URL configured (act.webhookUrl): nothing to notify', 'skip');
  }
  if (a.type === 'create_escalation') {
    return verdict(
      'target_configured',
      true,
      a.config.act.escalationUrl
        ? 'escalation URL configured: the report is written and POSTed'
        : 'no escalation URL configured (act.escalationUrl): the report file is written, nothing is POSTed',
      'skip',
    );
  }
  return verdict('target_configured', true, `${a.type} writes into the output folder only`, 'skip');
}

export function cooldownGate(a: GateInput, alreadyProposed: boolean): GateVerdict {
  const hours = a.config.decide.cooldownMs / 3_600_000;
  return alreadyProposed
    ? verdict('cooldown', false, `the same ${a.type} was already proposed for this incident within the ${fmtHours(hours)} cooldown`, 'skip')
    : verdict('cooldown', true, `not proposed for this incident within the ${fmtHours(hours)} cooldown`, 'skip');
}

export function observationGate(a: GateInput): GateVerdict {
  const required = a.config.decide.minObservationConfidence;
  const value = a.observationConfidence;
  return value >= required
    ? verdict('observation_confidence', true, `observation confidence ${f2(value)} ≥ ${f2(required)} required`, 'block', { value, required })
    : verdict(
        'observation_confidence',
        false,
        `observation confidence ${f2(value)} < ${f2(required)} required: automation blocked`,
        'block',
        { value, required },
      );
}

/**
 * monitor only records a note, so it needs no diagnosis; everything else needs the bar of its risk.
 * Below the bar the action is still proposed, for a human to approve: the diagnosis is plausible
 * (not ambiguous) but not certain enough to act on alone. Only an unknown cause blocks outright.
 */
export function reasoningGate(a: GateInput): GateVerdict {
  const required = a.type === 'monitor' ? 0 : a.config.decide.minReasoningConfidence[a.risk];
  const value = a.reasoningConfidence;
  if (a.type !== 'monitor' && a.cause === 'unknown') {
    return verdict('reasoning_confidence', false, 'no diagnosis (cause unknown): only monitoring is allowed', 'block', { value, required });
  }
  const what = a.type === 'monitor' ? 'monitor (no minimum)' : `${a.risk} risk`;
  return value >= required
    ? verdict('reasoning_confidence', true, `reasoning confidence ${f2(value)} ≥ ${f2(required)} required for ${what}`, 'approval', { value, required })
    : verdict(
        'reasoning_confidence',
        false,
        `reasoning confidence ${f2(value)} < ${f2(required)} required for ${what}: needs approval`,
        'approval',
        { value, required },
      );
}

export function riskGate(a: GateInput): GateVerdict {
  return a.risk === 'high'
    ? verdict('risk', false, 'high-risk actions always need approval', 'approval')
    : verdict('risk', true, `${a.risk} risk`, 'approval');
}

export function scopeGate(a: GateInput): GateVerdict {
  return a.scope === 'platform'
    ? verdict('scope', false, 'platform-wide incident: a human approves every action', 'approval')
    : verdict('scope', true, `${a.scope === 'merchant' ? 'single-merchant' : 'multi-merchant'} scope`, 'approval');
}

export function llmOnlyGate(a: GateInput, llmOnly: boolean): GateVerdict {
  return llmOnly
    ? verdict('llm_only', false, `the ${a.cause} diagnosis came only from the LLM: it never executes without approval`, 'approval')
    : verdict('llm_only', true, 'diagnosis backed by a deterministic rule', 'approval');
}

export function pausedGate(a: GateInput, paused: boolean): GateVerdict {
  if (a.type === 'pause_automation') {
    return paused
      ? verdict('paused', false, 'automation is already paused', 'skip')
      : verdict('paused', true, 'automation is running', 'skip');
  }
  return paused
    ? verdict('paused', false, 'automation is paused: actions wait for approval until resumed', 'approval')
    : verdict('paused', true, 'automation is running', 'approval');
}

export function rateLimitGate(a: GateInput, used: number): GateVerdict {
  const max = a.config.decide.maxAutoActionsPerHour;
  return used < max
    ? verdict('rate_limit', true, `${used} automatic actions in the last hour < ${max} per hour`, 'approval', { value: used, required: max })
    : verdict(
        'rate_limit',
        false,
        `${used} automatic actions in the last hour reached the limit of ${max} per hour: needs approval`,
        'approval',
        { value: used, required: max },
      );
}

function fmtHours(h: number): string {
  return Number.isInteger(h) ? `${h} h` : h >= 1 ? `${h.toFixed(1)} h` : `${Math.round(h * 60)} min`;
}
