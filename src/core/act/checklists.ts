import type { Cause } from '../report/schema';

/**
 * The migration checklist a support engineer sends or follows for each cause. Written by us, never by
 * the data: it is the trusted part of every draft.
 */
export interface Checklist {
  readonly title: string;
  readonly steps: readonly string[];
  /** Where the fix usually belongs, for the doc suggestion. */
  readonly docTopic: string;
}

const CHECKLISTS: Readonly<Record<Cause, Checklist>> = {
  webhook_auth_failure: {
    title: 'Webhook secret rotation checklist',
    docTopic: 'webhook signing secrets after migration',
    steps: [
      'Copy the new webhook signing secret from the headless platform admin (Settings → Webhooks).',
      'Update the secret in the receiving service’s configuration and redeploy it.',
      'Confirm the receiver verifies the signature header the new platform sends (name and algorithm changed in the migration).',
      'Check the receiver’s clock: signature timestamps older than the tolerance window are rejected.',
      'Replay the failed deliveries from the webhook log once a test delivery returns 2xx.',
    ],
  },
  webhook_delivery_failure: {
    title: 'Webhook delivery checklist',
    docTopic: 'webhook endpoint requirements',
    steps: [
      'Check that the endpoint URL registered on the new platform is reachable from the internet (no VPN-only host).',
      'Make sure the endpoint answers 2xx within the platform’s delivery timeout; move slow work to a queue.',
      'Verify the TLS certificate chain is complete and not expired.',
      'Replay failed deliveries after a test delivery succeeds.',
    ],
  },
  migration_misconfiguration: {
    title: 'Checkout timeout / misconfiguration checklist',
    docTopic: 'checkout configuration after migration',
    steps: [
      'Compare the checkout configuration (payment provider keys, shipping zones, tax settings) between the old and new store.',
      'Check the checkout API base URL and storefront API token in the frontend environment.',
      'Raise the payment provider callback timeout or move slow post-order hooks out of the checkout path.',
      'Place a test order end to end and confirm the order webhook arrives.',
      'Watch checkout error rates for one hour after the change.',
    ],
  },
  frontend_backend_mismatch: {
    title: 'Frontend / backend contract checklist',
    docTopic: 'API contract changes between the old and new platform',
    steps: [
      'Compare the storefront’s API client version with the backend API version it calls.',
      'Check renamed or removed fields in the responses the frontend reads (cart, product, checkout).',
      'Regenerate typed API clients from the new schema and redeploy the storefront.',
      'Clear CDN and edge caches that may serve pages built against the old contract.',
    ],
  },
  platform_regression: {
    title: 'Platform regression checklist',
    docTopic: 'known platform incidents and status page',
    steps: [
      'Check the platform status page and the release notes of the last deploy.',
      'Do not ask merchants to change their configuration yet: several merchants fail the same way.',
      'Collect one failing request id per merchant for the platform engineering team.',
      'Tell affected merchants an incident is open and when the next update will come.',
    ],
  },
  api_data_inconsistency: {
    title: 'Data inconsistency / sync lag checklist',
    docTopic: 'eventual consistency and sync jobs',
    steps: [
      'Check whether the write returned 200 but the read goes to a replica or cache that lags behind.',
      'Look at the sync job (catalogue, inventory, orders) status and its last successful run.',
      'Re-run the sync for the affected merchant and compare record counts between the old and new store.',
      'If data is missing after the sync, export the affected ids and escalate with them.',
    ],
  },
  rate_limiting: {
    title: 'Rate limit checklist',
    docTopic: 'API rate limits and backoff',
    steps: [
      'Check the API plan’s rate limit for the merchant and the current request rate.',
      'Honour `Retry-After` and add exponential backoff with jitter to the client.',
      'Batch or cache reads that run per page view (product, inventory lookups).',
      'Spread bulk imports over time instead of running them during peak traffic.',
    ],
  },
  api_auth_failure: {
    title: 'API authentication checklist',
    docTopic: 'API credentials and scopes after migration',
    steps: [
      'Check that the API key or OAuth app was recreated on the new platform (keys do not migrate).',
      'Confirm the token’s scopes cover the endpoints that fail (orders, customers, inventory).',
      'Rotate the credential if it may have leaked, then update every environment that uses it.',
      'Check for clock skew if tokens are rejected as expired right after issue.',
    ],
  },
  documentation_gap: {
    title: 'Documentation gap checklist',
    docTopic: 'migration guide',
    steps: [
      'Answer the merchant’s how-to question with a link to the relevant guide section.',
      'Note which step of the migration guide the question is about.',
      'Propose the missing paragraph or example to the documentation owners.',
    ],
  },
  normal_operation: {
    title: 'No action needed checklist',
    docTopic: 'monitoring',
    steps: ['Confirm the signals are within normal ranges.', 'Close the ticket with a short explanation if one is open.'],
  },
  unknown: {
    title: 'Triage checklist',
    docTopic: 'triage guide',
    steps: [
      'Read the evidence lines listed below and the merchant’s recent changes.',
      'Reproduce the failure with one affected merchant.',
      'Record the cause you find as the incident outcome so COSMOS learns from it.',
    ],
  },
};

export function checklistFor(cause: Cause | undefined): Checklist {
  return CHECKLISTS[cause ?? 'unknown'];
}
