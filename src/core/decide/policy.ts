import type { ActionType, Cause, Risk } from '../report/schema';

/** Default risk of each catalogue action (issue #3): what it can do to a merchant if it is wrong. */
export const DEFAULT_RISK: Readonly<Record<ActionType, Risk>> = {
  monitor: 'low',
  draft_support_reply: 'low',
  suggest_doc_update: 'medium',
  notify_webhook: 'medium',
  pause_automation: 'medium',
  create_escalation: 'high',
};

export interface PolicyAction {
  readonly type: ActionType;
  /** Overrides DEFAULT_RISK for this cause. */
  readonly risk?: Risk;
  /** Why the policy proposes it for this cause (shown with the action). */
  readonly why: string;
}

/**
 * Cause → proposed actions, as data. Decide never invents actions: a cause proposes exactly these,
 * and the gates decide whether each executes, waits for approval, is blocked or skipped.
 */
export const POLICY: Readonly<Record<Cause, readonly PolicyAction[]>> = {
  migration_misconfiguration: [
    { type: 'draft_support_reply', why: 'tell the merchant which migration setting to check (checkout/payment checklist)' },
    { type: 'monitor', why: 'watch whether the failures stop after the fix' },
  ],
  webhook_auth_failure: [
    { type: 'draft_support_reply', why: 'walk the merchant through updating the webhook signing secret' },
    { type: 'monitor', why: 'watch for deliveries succeeding again' },
  ],
  webhook_delivery_failure: [
    { type: 'draft_support_reply', why: 'ask the merchant to check their webhook endpoint (reachability, TLS, timeouts)' },
    { type: 'monitor', why: 'watch the retry queue drain' },
  ],
  frontend_backend_mismatch: [
    { type: 'draft_support_reply', why: 'point the merchant at the API version / schema their storefront must use' },
    { type: 'monitor', why: 'watch for the mismatch errors to stop after the frontend deploy' },
  ],
  platform_regression: [
    { type: 'create_escalation', why: 'engineering must look at a platform-wide failure' },
    { type: 'notify_webhook', why: 'tell the on-call channel' },
    { type: 'pause_automation', why: 'stop per-merchant automation while the platform itself is failing' },
  ],
  api_data_inconsistency: [
    { type: 'create_escalation', why: 'writes accepted but not visible is a backend data problem' },
    { type: 'draft_support_reply', why: 'acknowledge the merchants\' reports and explain the workaround' },
  ],
  rate_limiting: [
    { type: 'draft_support_reply', why: 'explain the rate limits and batching/backoff to the merchant' },
    { type: 'monitor', why: 'watch whether the 429s subside' },
  ],
  api_auth_failure: [
    { type: 'draft_support_reply', why: 'tell the merchant to rotate/re-issue the API credential' },
    { type: 'monitor', why: 'watch for authorised calls resuming' },
  ],
  documentation_gap: [
    { type: 'suggest_doc_update', why: 'the docs should answer what merchants keep asking' },
    { type: 'draft_support_reply', why: 'answer the how-to tickets' },
  ],
  normal_operation: [{ type: 'monitor', why: 'nothing to fix; keep a note' }],
  unknown: [{ type: 'monitor', why: 'no trustworthy diagnosis; keep watching and let a human look' }],
};

export function riskOf(action: PolicyAction): Risk {
  return action.risk ?? DEFAULT_RISK[action.type];
}
