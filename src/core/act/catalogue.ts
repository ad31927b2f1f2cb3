import type { CosmosConfig } from '../config/config';
import { ACTION_TYPES, type ActionType, type Risk } from '../report/schema';

/**
 * The only actions that exist. Decide proposes from this list, the executor runs only this list, and
 * anything else (an LLM's invention, a typo in a rules file, a forged report) is rejected by name.
 */
export type EffectKind = 'journal' | 'file' | 'http' | 'automation';

export interface ActionSpec {
  readonly type: ActionType;
  readonly defaultRisk: Risk;
  /** One line for menus, approval prompts and the docs. */
  readonly summary: string;
  /** What the action touches; `http` effects cannot be checked after a crash, so they go to review. */
  readonly effects: readonly EffectKind[];
  /** Why the action cannot run with this configuration, or undefined when it can. */
  unavailableReason(config: CosmosConfig): string | undefined;
}

const always = (): undefined => undefined;

export const ACTION_CATALOGUE: Readonly<Record<ActionType, ActionSpec>> = {
  monitor: {
    type: 'monitor',
    defaultRisk: 'low',
    summary: 'Record a monitoring note for the incident in the audit journal.',
    effects: ['journal'],
    unavailableReason: always,
  },
  draft_support_reply: {
    type: 'draft_support_reply',
    defaultRisk: 'low',
    summary: 'Write a Markdown reply draft per affected merchant, with the migration checklist for the cause.',
    effects: ['file'],
    unavailableReason: always,
  },
  suggest_doc_update: {
    type: 'suggest_doc_update',
    defaultRisk: 'medium',
    summary: 'Write a Markdown suggestion for the migration documentation.',
    effects: ['file'],
    unavailableReason: always,
  },
  create_escalation: {
    type: 'create_escalation',
    defaultRisk: 'high',
    summary: 'Write an engineering escalation report with evidence (and POST it when an escalation URL is set).',
    // The POST is added per configuration in buildActionParams; the file is always written first.
    effects: ['file', 'http'],
    unavailableReason: always,
  },
  notify_webhook: {
    type: 'notify_webhook',
    defaultRisk: 'medium',
    summary: 'POST a JSON summary of the incident to the configured webhook.',
    effects: ['http'],
    unavailableReason: (config) => (config.act.webhookUrl ? undefined : 'no webhook URL is configured (act.webhookUrl)'),
  },
  pause_automation: {
    type: 'pause_automation',
    defaultRisk: 'medium',
    summary: 'Stop automatic actions until a person resumes them.',
    effects: ['automation'],
    unavailableReason: always,
  },
};

export class UnknownActionError extends Error {
  constructor(readonly actionType: string) {
    super(`"${String(actionType).slice(0, 80)}" is not an action COSMOS can take (allowed: ${ACTION_TYPES.join(', ')})`);
    this.name = 'UnknownActionError';
  }
}

export function isCatalogued(type: unknown): type is ActionType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(ACTION_CATALOGUE, type);
}

/** The spec for `type`, or throws UnknownActionError: there is no other way to get an action to run. */
export function actionSpec(type: unknown): ActionSpec {
  if (!isCatalogued(type)) throw new UnknownActionError(String(type));
  return ACTION_CATALOGUE[type];
}
