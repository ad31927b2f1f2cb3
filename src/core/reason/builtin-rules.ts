import type { Rule } from './rule';

/**
 * The built-in rule catalogue. Plain data (it could live in a JSON file; it is TypeScript only so the
 * code families below are written once): users override a rule by giving the same id in
 * .cosmos/rules.json, or switch it off with "disable".
 *
 * Code families are code patterns (pattern.ts): `|` separates alternatives, `*` is a wildcard,
 * `code@service` restricts to a service.
 */
export const CODE_FAMILIES = {
  webhookAuth: 'http_401@webhook|http_403@webhook|webhook_signature_invalid|signature_invalid|invalid_signature|webhook_auth_*|hmac_*',
  webhookDelivery:
    'webhook_timeout|webhook_delivery_failed|webhook_retries_exhausted|connection_refused|econnrefused|connection_reset|dns_*|tls_*|http_5*@webhook|http_408@webhook|http_404@webhook|http_410@webhook',
  checkout:
    'checkout_timeout|checkout_failed|checkout_error|payment_gateway_error|payment_gateway_timeout|payment_failed|payment_provider_*|order_create_failed|tax_calculation_failed|shipping_rate_*|http_5*@checkout',
  frontend:
    'schema_mismatch|price_mismatch|cart_mismatch|cart_total_mismatch|graphql_*|hydration_error|unknown_field|field_not_found|api_version_mismatch|http_4*@frontend',
  dataCodes: 'sync_lag|sync_delayed|inventory_sync_*|stale_read|stale_data|data_not_reflected|replication_lag|eventual_consistency_*',
  dataTickets: 'api_200_inconsistent|data_missing|data_not_reflected|sync_*|inventory_mismatch|order_missing|stale_data',
  rateLimit: 'http_429|rate_limit*|rate_limited|too_many_requests|throttled',
  apiAuth: 'http_401@api|http_403@api|invalid_token|token_expired|expired_token|invalid_api_key|api_key_*|unauthorized|forbidden|oauth_*',
  hard: 'http_5*|*timeout*|*_failed|*_error|connection_refused',
  benign: 'http_404@api|http_404@frontend|http_499|http_3*|client_disconnect|client_aborted|cache_miss|slow_response|retry_succeeded|validation_error',
  howToTickets: 'how_to|howto|question|docs_*|documentation|setup_*|configuration_question',
} as const;

const F = CODE_FAMILIES;

/**
 * A code family must carry at least this share of the events for its rule to fire. Below one half on
 * purpose: when two families split an incident evenly both rules fire, and the near-tie makes the
 * incident ambiguous instead of letting whichever family has one more event win silently.
 */
const MIN_SHARE = 0.4;

export const BUILTIN_RULES: readonly Rule[] = [
  {
    id: 'builtin.webhook_auth_failure',
    cause: 'webhook_auth_failure',
    description: 'Webhook deliveries rejected as unauthorised (401/403, invalid signature).',
    when: { all: [{ field: `share:${F.webhookAuth}`, gte: MIN_SHARE }, { field: `count:${F.webhookAuth}`, gte: 3 }] },
    confidence: 0.72,
    boosts: [
      { when: { field: 'tickets:*webhook*|*signature*|*secret*', gte: 1 }, add: 0.1, because: 'tickets mention webhooks' },
      { when: { field: 'merchantCount', lte: 2 }, add: 0.08, because: 'confined to one or two merchants' },
      { when: { field: `share:${F.webhookAuth}`, gte: 0.8 }, add: 0.05, because: 'auth rejections dominate' },
      { when: { field: 'scope', eq: 'platform' }, add: -0.25, because: 'platform-wide, more likely a platform regression' },
    ],
    explanation:
      '${count:' + F.webhookAuth + '} webhook deliveries were rejected as unauthorised (401/403 or bad signature), ${%share:' +
      F.webhookAuth + '} of the incident\'s events, at ${merchantCount} merchant(s) ${merchants}: the receiver no longer accepts the signing secret or credentials.',
  },
  {
    id: 'builtin.webhook_delivery_failure',
    cause: 'webhook_delivery_failure',
    description: 'Webhook deliveries failing: timeouts, 5xx from the receiver, refused connections, retries exhausted.',
    when: { all: [{ field: `share:${F.webhookDelivery}`, gte: MIN_SHARE }, { field: `count:${F.webhookDelivery}`, gte: 3 }] },
    confidence: 0.72,
    boosts: [
      { when: { field: 'tickets:*webhook*|*not_received*|*order_missing*', gte: 1 }, add: 0.1, because: 'tickets mention missing webhooks' },
      { when: { field: 'merchantCount', lte: 3 }, add: 0.06, because: 'confined to a few merchants' },
      { when: { field: 'count:webhook_retries_exhausted', gte: 1 }, add: 0.05, because: 'retries exhausted' },
      { when: { field: 'scope', eq: 'platform' }, add: -0.25, because: 'platform-wide, more likely a platform regression' },
    ],
    explanation:
      '${count:' + F.webhookDelivery + '} webhook deliveries failed to reach the receiver (timeouts, 5xx, refused connections), ${%share:' +
      F.webhookDelivery + '} of the events, at ${merchantCount} merchant(s) ${merchants}; ${errorsWithoutTickets} of them with no ticket raised.',
  },
  {
    id: 'builtin.migration_misconfiguration',
    cause: 'migration_misconfiguration',
    description: 'Repeated checkout/payment failures confined to one or a few merchants: their migrated setup is wrong.',
    when: {
      all: [
        { field: `share:${F.checkout}`, gte: MIN_SHARE },
        { field: `count:${F.checkout}`, gte: 3 },
        { field: 'merchantCount', lte: 3 },
        { field: 'scope', in: ['merchant', 'multi_merchant'] },
      ],
    },
    confidence: 0.72,
    boosts: [
      { when: { field: `count:${F.checkout}`, gte: 10 }, add: 0.08, because: 'repeated 10 times or more' },
      { when: { field: 'merchantCount', lte: 1 }, add: 0.05, because: 'a single merchant' },
      { when: { field: 'tickets:*checkout*|*payment*|*migrat*', gte: 1 }, add: 0.07, because: 'tickets report checkout trouble' },
      { when: { field: 'migrationStages', matches: '*' }, add: 0.03, because: 'records carry a migration stage' },
    ],
    explanation:
      '${count:' + F.checkout + '} checkout/payment failures (${errorCodes}) repeated at ${merchantCount} merchant(s) ${merchants} while others are unaffected: the pattern of a misconfigured migration (payment gateway, checkout URL or timeouts) rather than a platform fault.',
  },
  {
    id: 'builtin.frontend_backend_mismatch',
    cause: 'frontend_backend_mismatch',
    description: 'The headless frontend and the backend disagree: schema/price/cart mismatches, 4xx from the storefront.',
    when: {
      all: [
        {
          any: [
            { field: `share:${F.frontend}`, gte: MIN_SHARE },
            { all: [{ field: 'serviceShare:frontend', gte: 0.6 }, { field: 'share:http_4*', gte: 0.5 }] },
          ],
        },
        { field: 'eventCount', gte: 3 },
      ],
    },
    confidence: 0.72,
    boosts: [
      { when: { field: 'tickets:*frontend*|*storefront*|*display*|*price*|*cart*', gte: 1 }, add: 0.08, because: 'tickets describe storefront symptoms' },
      { when: { field: 'merchantCount', lte: 3 }, add: 0.06, because: 'confined to a few merchants' },
      { when: { field: 'scope', eq: 'platform' }, add: -0.2, because: 'platform-wide, more likely a platform regression' },
    ],
    explanation:
      '${count:' + F.frontend + '} frontend/backend contract errors (${errorCodes}), ${%serviceShare:frontend} from the frontend, at ${merchantCount} merchant(s) ${merchants}: the storefront expects a schema or prices the migrated backend does not serve.',
  },
  {
    id: 'builtin.platform_regression.spread',
    cause: 'platform_regression',
    description: 'The same failure at many merchants at once (platform scope), unless it is only benign noise.',
    when: {
      all: [
        { any: [{ field: 'scope', eq: 'platform' }, { field: 'merchantCount', gte: 10 }] },
        { field: 'share:' + F.benign, lt: 0.5 },
      ],
    },
    confidence: 0.78,
    boosts: [
      { when: { field: 'detectors', contains: 'spread' }, add: 0.07, because: 'the spread detector fired' },
      { when: { field: 'share:' + F.hard, gte: 0.5 }, add: 0.05, because: 'hard failures (5xx, timeouts)' },
    ],
    explanation:
      '${merchantCount} merchants hit ${errorCodes} within ${durationMinutes} minutes (${eventCount} events): a failure this widespread comes from the platform, not from one merchant\'s setup.',
  },
  {
    id: 'builtin.platform_regression.many_errors',
    cause: 'platform_regression',
    description: 'Many different error types at several merchants at once.',
    when: {
      all: [
        { field: 'distinctErrorTypes', gte: 4 },
        { field: 'merchantCount', gte: 3 },
        { field: 'share:' + F.benign, lt: 0.5 },
      ],
    },
    confidence: 0.66,
    boosts: [
      { when: { field: 'merchantCount', gte: 5 }, add: 0.1, because: '5 or more merchants' },
      { when: { field: 'distinctErrorTypes', gte: 6 }, add: 0.05, because: '6 or more error types' },
    ],
    explanation:
      '${distinctErrorTypes} different error types (${errorCodes}) across ${merchantCount} merchants and ${services} at once: several subsystems failing together points at a platform change.',
  },
  {
    id: 'builtin.api_data_inconsistency',
    cause: 'api_data_inconsistency',
    description: 'The API answers 200 but data is not reflected (tickets, sync lag) with few hard errors.',
    when: {
      all: [
        { any: [{ field: `tickets:${F.dataTickets}`, gte: 2 }, { field: `share:${F.dataCodes}`, gte: 0.5 }] },
        { field: `share:${F.hard}`, lte: 0.3 },
      ],
    },
    confidence: 0.7,
    boosts: [
      { when: { field: `tickets:${F.dataTickets}`, gte: 4 }, add: 0.08, because: '4 or more tickets report missing data' },
      { when: { field: `count:${F.dataCodes}`, gte: 3 }, add: 0.08, because: 'sync-lag events corroborate the tickets' },
      { when: { field: `ticketShare:${F.dataTickets}`, gte: 0.6 }, add: 0.05, because: 'data complaints dominate the tickets' },
    ],
    explanation:
      '${tickets:' + F.dataTickets + '} tickets report data not reflected after successful (200) API calls and ${count:' + F.dataCodes +
      '} sync-lag events, with only ${%share:' + F.hard + '} hard errors, at ${merchantCount} merchant(s) ${merchants}: writes are accepted but not visible on reads.',
  },
  {
    id: 'builtin.rate_limiting',
    cause: 'rate_limiting',
    description: 'Bursts of 429 / rate-limit responses.',
    when: { all: [{ field: `share:${F.rateLimit}`, gte: MIN_SHARE }, { field: `count:${F.rateLimit}`, gte: 5 }] },
    confidence: 0.75,
    boosts: [
      { when: { field: `count:${F.rateLimit}`, gte: 20 }, add: 0.1, because: 'a burst of 20 or more' },
      { when: { field: 'detectors', contains: 'spike' }, add: 0.05, because: 'the spike detector fired' },
      { when: { field: 'merchantCount', lte: 3 }, add: 0.03, because: 'confined to a few merchants' },
    ],
    explanation:
      '${count:' + F.rateLimit + '} requests were throttled (429 / rate limited), ${%share:' + F.rateLimit +
      '} of the events, at ${merchantCount} merchant(s) ${merchants} over ${durationMinutes} minutes: a client is exceeding its API rate limit.',
  },
  {
    id: 'builtin.api_auth_failure',
    cause: 'api_auth_failure',
    description: 'API calls rejected as unauthorised: invalid or expired tokens/keys.',
    when: { all: [{ field: `share:${F.apiAuth}`, gte: MIN_SHARE }, { field: `count:${F.apiAuth}`, gte: 3 }] },
    confidence: 0.72,
    boosts: [
      { when: { field: 'tickets:*auth*|*token*|*key*|*401*|*403*|*login*', gte: 1 }, add: 0.1, because: 'tickets mention keys or tokens' },
      { when: { field: 'merchantCount', lte: 2 }, add: 0.06, because: 'confined to one or two merchants' },
      { when: { field: 'scope', eq: 'platform' }, add: -0.25, because: 'platform-wide, more likely a platform regression' },
    ],
    explanation:
      '${count:' + F.apiAuth + '} API calls were rejected as unauthorised (401/403, invalid or expired token), ${%share:' + F.apiAuth +
      '} of the events, at ${merchantCount} merchant(s) ${merchants}: the integration is using a revoked or expired credential.',
  },
  {
    id: 'builtin.documentation_gap',
    cause: 'documentation_gap',
    description: 'How-to tickets without matching errors: the docs do not answer a migration question.',
    when: {
      all: [
        { any: [{ field: 'howToTickets', gte: 2 }, { field: `tickets:${F.howToTickets}`, gte: 2 }] },
        { field: `count:${F.hard}`, lte: 2 },
      ],
    },
    confidence: 0.72,
    boosts: [
      { when: { field: 'detectors', contains: 'tickets_without_errors' }, add: 0.08, because: 'tickets arrived without errors' },
      { when: { field: 'howToTickets', gte: 4 }, add: 0.05, because: '4 or more how-to tickets' },
      { when: { field: 'ticketsWithoutErrors', gte: 2 }, add: 0.05, because: 'no errors behind the tickets' },
    ],
    explanation:
      '${howToTickets} how-to tickets (${ticketIssues}) from ${merchantCount} merchant(s) ${merchants} with ${count:' + F.hard +
      '} hard errors behind them: merchants are asking how to do something the documentation should answer.',
  },
  {
    id: 'builtin.normal_operation.benign',
    cause: 'normal_operation',
    description: 'Only benign codes (404s, client disconnects, cache misses) and no tickets.',
    when: { all: [{ field: `share:${F.benign}`, gte: 0.7 }, { field: 'ticketCount', lte: 1 }] },
    confidence: 0.72,
    boosts: [{ when: { field: 'ticketCount', eq: 0 }, add: 0.08, because: 'nobody raised a ticket' }],
    explanation:
      '${%share:' + F.benign + '} of the ${eventCount} events are benign (${errorCodes}) and ${ticketCount} ticket(s) were raised: normal background noise of a busy storefront.',
  },
  {
    id: 'builtin.normal_operation.low_volume',
    cause: 'normal_operation',
    description: 'Too few records to be an incident: below the repeat threshold, no tickets.',
    when: { all: [{ field: 'eventCount', lte: 4 }, { field: 'ticketCount', eq: 0 }] },
    confidence: 0.62,
    boosts: [
      {
        when: { not: { field: 'detectors', containsAny: ['threshold', 'spread', 'silent_failure'] } },
        add: 0.08,
        because: 'no threshold or spread detector fired',
      },
    ],
    explanation: 'Only ${eventCount} events (${errorCodes}) and no tickets over ${durationMinutes} minutes: below what the loop treats as an incident.',
  },
  {
    id: 'builtin.unknown',
    cause: 'unknown',
    description: 'Fallback when no rule fits.',
    when: { all: [] },
    confidence: 0.3,
    fallback: true,
    explanation:
      'No rule matched ${errorCodes} (${eventCount} events, ${ticketCount} tickets, ${merchantCount} merchant(s)): the pattern is not in the catalogue.',
  },
];
