/**
 * Signature families: the coarse "failure pattern" incidents are grouped by. Several error codes of one family at
 * one merchant (say `http_401` and `http_403` on the webhook service) are one problem to an engineer, so they share
 * one incident; a ticket joins an event incident when its issue falls in the incident's family.
 *
 * The families are deliberately few and named after the causes the rule catalogue reasons about.
 */

export const EVENT_FAMILIES = [
  'rate_limit',
  'webhook',
  'checkout',
  'api_auth',
  'data_inconsistency',
  'frontend',
] as const;

/**
 * Event families; for tickets also `docs` (how-to questions), `request` (feature requests, billing, account
 * questions: not failure reports) and `general` (complaints that name no specific area); `service:<name>` for
 * events outside every family.
 */
export type Family = (typeof EVENT_FAMILIES)[number] | 'docs' | 'request' | 'general' | `service:${string}`;

const RATE_LIMIT = /(^|_)429($|_)|rate_?limit|throttl|too_many/;
const WEBHOOK = /webhook|web_hook/;
const CHECKOUT = /checkout|payment|cart|order_(create|place|submit)/;
const API_AUTH = /(^|_)40[13]($|_)|unauthori[sz]ed|forbidden|(^|_)auth|token|credential|api_key|permission/;
const DATA = /inconsisten|mismatch|stale|out_of_sync|(^|_)(not_)?sync(ed|ing)?($|_)|not_reflected|missing_data|api_200|wrong_data|outdated/;
const FRONTEND = /frontend|front_end|storefront|render|hydrat|display|ui_|_ui$|page_|blank_page/;
const DOCS = /how_?to|howto|question|docs?($|_)|documentation|setup|set_up|configur|guide|tutorial|onboarding/;
const REQUEST = /feature|request|billing|invoice|account|pricing|plan_|cancel|refund_policy|feedback/;

const FRONTEND_SERVICES = new Set(['frontend', 'storefront', 'web', 'ui', 'pwa']);

/** Family of an event signature. Order matters: a 429 on the webhook service is rate limiting, a 401 there is webhook auth. */
export function eventFamily(code: string, service: string): Family {
  if (RATE_LIMIT.test(code)) return 'rate_limit';
  if (service === 'webhook' || WEBHOOK.test(code)) return 'webhook';
  if (service === 'checkout' || service === 'payment' || CHECKOUT.test(code)) return 'checkout';
  if (service === 'auth' || API_AUTH.test(code)) return 'api_auth';
  if (DATA.test(code)) return 'data_inconsistency';
  if (FRONTEND_SERVICES.has(service) || FRONTEND.test(code)) return 'frontend';
  return `service:${service}`;
}

/** Family of a ticket issue, from the issue code only (ticket text is untrusted and never decides grouping). */
export function ticketFamily(issue: string): Family {
  if (RATE_LIMIT.test(issue)) return 'rate_limit';
  if (WEBHOOK.test(issue)) return 'webhook';
  if (CHECKOUT.test(issue)) return 'checkout';
  if (API_AUTH.test(issue) || /login|sign_in|access_denied/.test(issue)) return 'api_auth';
  if (DATA.test(issue)) return 'data_inconsistency';
  if (FRONTEND.test(issue)) return 'frontend';
  if (DOCS.test(issue)) return 'docs';
  if (REQUEST.test(issue)) return 'request';
  return 'general';
}

/** Tickets that are not failure reports never join an error incident on merchant and time alone. */
export function isFailureReport(family: Family): boolean {
  return family !== 'docs' && family !== 'request';
}

/** Successful or informational codes are not failures: they never trigger a detector nor count as errors. */
export function isErrorCode(code: string): boolean {
  return !/^http_[123]\d\d$/.test(code) && !/(^|_)(ok|info|success|succeeded|recovered|resolved)$/.test(code);
}

/** The prototype treats any failed checkout as anomalous: a code naming checkout on the checkout or api service. */
export function isCheckoutFailure(code: string, service: string): boolean {
  return code.includes('checkout') && (service === 'checkout' || service === 'api');
}

const HOW_TO =
  /\bhow (do|can|should|to|does)\b|\bhow-to\b|\bhow_to\b|\bwhere (can|do|is|are)\b|\bdocumentation\b|\bdocs?\b|\bset ?up\b|\bconfigur(e|ing|ation)\b|\bguide\b|\btutorial\b/i;

/** Keyword heuristic for "this ticket is a question, not a failure report" (feeds `howToTickets`). */
export function isHowTo(issue: string, text: string | undefined): boolean {
  return HOW_TO.test(issue.replace(/_/g, ' ')) || (text !== undefined && HOW_TO.test(text));
}

const FAMILY_LABELS: Readonly<Record<string, string>> = {
  rate_limit: 'rate-limit',
  webhook: 'webhook',
  checkout: 'checkout',
  api_auth: 'API auth',
  data_inconsistency: 'data consistency',
  frontend: 'frontend',
  docs: 'how-to',
  request: 'request',
  general: 'support',
};

/** Short label for titles: "webhook errors at M3". */
export function familyLabel(family: Family): string {
  return FAMILY_LABELS[family] ?? family.replace(/^service:/, '');
}
