import type { Cause } from '../report/schema';

/**
 * The generator's scenarios as data. Each burst is one real-world incident: events at named merchants
 * inside a time window (dense enough for Observe's detectors: ≥ 5 repeats of a signature per merchant
 * per 10-minute window; platform bursts reach ≥ 10 merchants inside 10 minutes), optional tickets, and
 * the ground truth a careful engineer would write down for it (`expect`).
 * Background noise (benign codes, unrelated tickets) runs under every scenario.
 */
export interface BurstEvents {
  readonly code: string;
  readonly service: string;
  /** Events per merchant. */
  readonly perMerchant: number;
}

export interface BurstTickets {
  /** Ticket issue code; texts come from TICKET_TEXTS[issue]. */
  readonly issue: string;
  /** Tickets per listed merchant. */
  readonly merchants: readonly string[];
  readonly perMerchant: number;
}

export interface Burst {
  readonly label: string;
  readonly merchants: readonly string[];
  /** Minutes after the scenario start. */
  readonly startMin: number;
  readonly durationMin: number;
  readonly events: readonly BurstEvents[];
  readonly tickets?: readonly BurstTickets[];
  readonly expect: {
    readonly cause: Cause;
    /** True when the signals are deliberately ambiguous: a deterministic verdict must not be trusted. */
    readonly ambiguous?: boolean;
    /** Why this is the ground truth. */
    readonly note: string;
  };
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly title: string;
  /** Default total events (noise fills up to this); --events overrides. */
  readonly defaultEvents: number;
  /** Mean gap between background events and between background tickets. */
  readonly noiseEventGapMs: number;
  readonly noiseTicketGapMs: number;
  readonly bursts: readonly Burst[];
}

export const SCENARIO_NAMES = [
  'clear_misconfig',
  'webhook_failure',
  'conflicting_signals',
  'low_signal_noise',
  'platform_regression',
  'rate_limit_storm',
  'silent_failure',
  'documentation_gap',
  'frontend_mismatch',
  'api_key_revoked',
  'healthy',
  'sample_day',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const MERCHANTS = Array.from({ length: 12 }, (_, i) => `M${i + 1}`);

/** Scenario day starts 2026-01-31 08:00 (timestamps are written zone-less, i.e. UTC). */
export const SCENARIO_START_MS = Date.UTC(2026, 0, 31, 8, 0, 0);

const MIN = 60_000;

/**
 * Background noise density. Observe calls a signature anomalous at ≥ 5 occurrences in a 10-minute window
 * (and cross-merchant at ≥ 3 merchants), so each of the ~12 noise signatures must average well under one
 * occurrence per window: one noise event every 135 s is ~4.4 per window, ~0.4 per signature, which
 * crosses 5 about once in 20 000 windows. Denser noise would manufacture incidents nobody planted.
 */
const NOISE_EVENT_GAP_MS = 135_000;
const NOISE_TICKET_GAP_MS = 100 * MIN;

const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  healthy: {
    name: 'healthy',
    title: 'A quiet day: only background noise, nothing to diagnose',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [],
  },
  clear_misconfig: {
    name: 'clear_misconfig',
    title: 'One merchant\'s migrated checkout is misconfigured',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M4 checkout timeouts after go-live',
        merchants: ['M4'],
        startMin: 120,
        durationMin: 45,
        events: [
          { code: 'checkout_timeout', service: 'checkout', perMerchant: 28 },
          { code: 'payment_gateway_error', service: 'checkout', perMerchant: 12 },
        ],
        tickets: [{ issue: 'checkout_broken', merchants: ['M4'], perMerchant: 3 }],
        expect: {
          cause: 'migration_misconfiguration',
          note: 'Checkout/payment failures repeat at M4 only while the other 11 merchants check out fine: M4\'s migrated payment/checkout settings are wrong, not the platform.',
        },
      },
    ],
  },
  webhook_failure: {
    name: 'webhook_failure',
    title: 'Webhook auth broken after a secret rotation, and an unreachable webhook endpoint',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M7 webhook 401s after rotating the signing secret',
        merchants: ['M7'],
        startMin: 150,
        durationMin: 50,
        events: [
          { code: 'http_401', service: 'webhook', perMerchant: 30 },
          { code: 'webhook_signature_invalid', service: 'webhook', perMerchant: 8 },
        ],
        tickets: [{ issue: 'webhook_auth_error', merchants: ['M7'], perMerchant: 2 }],
        expect: {
          cause: 'webhook_auth_failure',
          note: 'Every failing delivery to M7 is a 401 or a signature rejection, starting right when M7 rotated its secret (ticket).',
        },
      },
      {
        label: 'M2 webhook endpoint unreachable behind a new firewall',
        merchants: ['M2'],
        startMin: 330,
        durationMin: 40,
        events: [
          { code: 'webhook_timeout', service: 'webhook', perMerchant: 20 },
          { code: 'http_503', service: 'webhook', perMerchant: 10 },
          { code: 'webhook_retries_exhausted', service: 'webhook', perMerchant: 4 },
        ],
        tickets: [{ issue: 'webhook_not_received', merchants: ['M2'], perMerchant: 1 }],
        expect: {
          cause: 'webhook_delivery_failure',
          note: 'Deliveries to M2 time out or get 503 from M2\'s side (no auth errors): the receiver is unreachable, the credentials are fine.',
        },
      },
    ],
  },
  conflicting_signals: {
    name: 'conflicting_signals',
    title: 'Webhook deliveries to one merchant fail two different ways at once',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M5 webhooks: 401s and timeouts interleaved',
        merchants: ['M5'],
        startMin: 200,
        durationMin: 25,
        events: [
          { code: 'http_401', service: 'webhook', perMerchant: 12 },
          { code: 'webhook_timeout', service: 'webhook', perMerchant: 12 },
        ],
        tickets: [{ issue: 'webhook_not_received', merchants: ['M5'], perMerchant: 2 }],
        expect: {
          cause: 'unknown',
          ambiguous: true,
          note:
            'Half of the failed deliveries to M5 are 401s (the signature/secret shape), half are timeouts (the unreachable-endpoint shape), ' +
            'interleaved in the same 25 minutes, and the tickets only say webhooks are not arriving. Both stories fit: a proxy in front of M5 ' +
            'that answers 401 while its upstream times out, or a secret rotation during a network change. A careful engineer would not ' +
            'name one cause from this data, so the honest deterministic verdict is unknown (this is what the LLM stage and a human are for).',
        },
      },
    ],
  },
  low_signal_noise: {
    name: 'low_signal_noise',
    title: 'A handful of gateway timeouts at one merchant, nobody complaining',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M8 short cluster of gateway timeouts',
        merchants: ['M8'],
        startMin: 260,
        durationMin: 8,
        events: [{ code: 'http_504', service: 'api', perMerchant: 7 }],
        expect: {
          cause: 'unknown',
          ambiguous: true,
          note:
            'Seven 504s in eight minutes at one merchant, no ticket, no other signal: just over the repeat threshold. ' +
            'Too little evidence to name a cause (a blip at an upstream, a deploy, a bad client); a careful engineer would watch it and not act.',
        },
      },
    ],
  },
  platform_regression: {
    name: 'platform_regression',
    title: 'A platform deploy breaks the API and checkout for every merchant',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'platform-wide 503s and checkout timeouts',
        merchants: MERCHANTS,
        startMin: 240,
        durationMin: 12,
        events: [
          { code: 'http_503', service: 'api', perMerchant: 10 },
          { code: 'checkout_timeout', service: 'checkout', perMerchant: 4 },
        ],
        tickets: [{ issue: 'platform_outage', merchants: ['M1', 'M4', 'M9', 'M11'], perMerchant: 1 }],
        expect: {
          cause: 'platform_regression',
          note: 'All 12 merchants fail at once with the same 503s: no merchant-side setting explains that, the platform changed.',
        },
      },
    ],
  },
  rate_limit_storm: {
    name: 'rate_limit_storm',
    title: 'Bulk catalog imports hit the API rate limit',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M9 and M10 bulk imports throttled',
        merchants: ['M9', 'M10'],
        startMin: 180,
        durationMin: 30,
        events: [{ code: 'http_429', service: 'api', perMerchant: 45 }],
        tickets: [{ issue: 'rate_limited', merchants: ['M9'], perMerchant: 2 }],
        expect: {
          cause: 'rate_limiting',
          note: 'Only 429s, in bursts, from the two merchants running migration import scripts; everyone else is fine.',
        },
      },
    ],
  },
  silent_failure: {
    name: 'silent_failure',
    title: 'Failures nobody has reported yet',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M11 webhook endpoint refusing connections, no ticket',
        merchants: ['M11'],
        startMin: 140,
        durationMin: 60,
        events: [
          { code: 'webhook_timeout', service: 'webhook', perMerchant: 25 },
          { code: 'connection_refused', service: 'webhook', perMerchant: 10 },
        ],
        expect: {
          cause: 'webhook_delivery_failure',
          note: 'M11\'s endpoint times out or refuses connections for an hour; M11 has not noticed yet (no ticket), which is exactly why it matters.',
        },
      },
      {
        label: 'M5 inventory sync lagging, no ticket',
        merchants: ['M5'],
        startMin: 400,
        durationMin: 25,
        events: [{ code: 'inventory_sync_delayed', service: 'api', perMerchant: 18 }],
        expect: {
          cause: 'api_data_inconsistency',
          note: 'Writes are accepted but the inventory sync lags behind at M5 (no hard errors): reads will be stale before anyone complains.',
        },
      },
    ],
  },
  documentation_gap: {
    name: 'documentation_gap',
    title: 'Merchants keep asking the same migration questions',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'how-to tickets from three merchants',
        merchants: ['M3', 'M6', 'M8'],
        startMin: 90,
        durationMin: 30,
        events: [],
        tickets: [
          { issue: 'how_to', merchants: ['M3'], perMerchant: 3 },
          { issue: 'how_to', merchants: ['M6', 'M8'], perMerchant: 2 },
        ],
        expect: {
          cause: 'documentation_gap',
          note: 'Seven how-to questions in 30 minutes and no errors behind any of them: nothing is broken, the migration guide does not answer these.',
        },
      },
    ],
  },
  frontend_mismatch: {
    name: 'frontend_mismatch',
    title: 'Headless storefronts deployed against the pre-migration API contract',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M2 and M6 storefronts query fields the migrated API no longer serves',
        merchants: ['M2', 'M6'],
        startMin: 210,
        durationMin: 40,
        events: [
          { code: 'field_not_found', service: 'frontend', perMerchant: 24 },
          { code: 'graphql_validation_failed', service: 'frontend', perMerchant: 10 },
          { code: 'http_422', service: 'frontend', perMerchant: 8 },
        ],
        tickets: [{ issue: 'storefront_broken', merchants: ['M2', 'M6'], perMerchant: 2 }],
        expect: {
          cause: 'frontend_backend_mismatch',
          note:
            'Only the storefronts of M2 and M6 (built from the same headless starter kit, pinned to the pre-migration API version) fail, ' +
            'all on the frontend service and all contract errors (unknown fields, GraphQL validation, 422s), while the API serves everyone ' +
            'else: the frontend expects a schema the migrated backend no longer serves.',
        },
      },
    ],
  },
  api_key_revoked: {
    name: 'api_key_revoked',
    title: 'Admin API credentials rotated during the migration; two merchants\' integrations still use the old ones',
    defaultEvents: 600,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M3 ERP integration still sends the Admin API key revoked at cutover',
        merchants: ['M3'],
        startMin: 110,
        durationMin: 40,
        events: [
          { code: 'http_401', service: 'api', perMerchant: 30 },
          { code: 'invalid_api_key', service: 'api', perMerchant: 8 },
        ],
        tickets: [{ issue: 'api_auth_error', merchants: ['M3'], perMerchant: 2 }],
        expect: {
          cause: 'api_auth_failure',
          note: 'M3\'s Admin API key was rotated at cutover; every call its ERP makes since is a 401 / invalid key, while the other merchants\' API calls succeed.',
        },
      },
      {
        label: 'M8 PIM connector using an access token revoked by the app reinstall',
        merchants: ['M8'],
        startMin: 330,
        durationMin: 35,
        events: [
          { code: 'http_401', service: 'api', perMerchant: 24 },
          { code: 'invalid_token', service: 'api', perMerchant: 6 },
        ],
        tickets: [{ issue: 'api_auth_error', merchants: ['M8'], perMerchant: 1 }],
        expect: {
          cause: 'api_auth_failure',
          note: 'Reinstalling M8\'s PIM app on the new platform revoked its old access token; the connector keeps calling with it and gets 401 / invalid token.',
        },
      },
    ],
  },
  sample_day: {
    name: 'sample_day',
    title: 'A realistic migration day for a dozen merchants (data/)',
    defaultEvents: 480,
    noiseEventGapMs: NOISE_EVENT_GAP_MS,
    noiseTicketGapMs: NOISE_TICKET_GAP_MS,
    bursts: [
      {
        label: 'M3 webhook 401s after a signing-secret rotation',
        merchants: ['M3'],
        startMin: 100,
        durationMin: 40,
        events: [
          { code: 'http_401', service: 'webhook', perMerchant: 26 },
          { code: 'webhook_signature_invalid', service: 'webhook', perMerchant: 6 },
        ],
        tickets: [{ issue: 'webhook_auth_error', merchants: ['M3'], perMerchant: 2 }],
        expect: { cause: 'webhook_auth_failure', note: 'M3 rotated its webhook secret at 09:35; every delivery since is a 401/bad signature.' },
      },
      {
        label: 'how-to tickets during onboarding',
        merchants: ['M2', 'M10'],
        startMin: 140,
        durationMin: 25,
        events: [],
        tickets: [
          { issue: 'how_to', merchants: ['M2'], perMerchant: 3 },
          { issue: 'how_to', merchants: ['M10'], perMerchant: 3 },
        ],
        expect: { cause: 'documentation_gap', note: 'Six how-to questions within half an hour, no errors behind them: the onboarding guide has gaps.' },
      },
      {
        label: 'checkout timeouts across the platform',
        merchants: ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8', 'M9', 'M11', 'M12'],
        startMin: 245,
        durationMin: 12,
        events: [{ code: 'checkout_timeout', service: 'checkout', perMerchant: 6 }],
        tickets: [
          { issue: 'platform_outage', merchants: ['M1', 'M7'], perMerchant: 1 },
          { issue: 'checkout_broken', merchants: ['M4', 'M12'], perMerchant: 1 },
        ],
        expect: { cause: 'platform_regression', note: 'Eleven merchants time out at checkout within 12 minutes of a platform deploy.' },
      },
      {
        label: 'M6 writes answer 200 but are not reflected',
        merchants: ['M6'],
        startMin: 370,
        durationMin: 20,
        events: [{ code: 'sync_lag', service: 'api', perMerchant: 14 }],
        tickets: [{ issue: 'api_200_inconsistent', merchants: ['M6'], perMerchant: 4 }],
        expect: { cause: 'api_data_inconsistency', note: 'M6 reports 200s whose data never shows up; the only events are sync lag, no hard errors.' },
      },
      {
        label: 'M9 429 burst from a product import script',
        merchants: ['M9'],
        startMin: 510,
        durationMin: 20,
        events: [{ code: 'http_429', service: 'api', perMerchant: 35 }],
        tickets: [{ issue: 'rate_limited', merchants: ['M9'], perMerchant: 1 }],
        expect: { cause: 'rate_limiting', note: 'M9\'s import script exceeds the Admin API rate limit.' },
      },
    ],
  },
};

export function scenarioByName(name: string): Scenario | undefined {
  return (SCENARIOS as Record<string, Scenario | undefined>)[name];
}
