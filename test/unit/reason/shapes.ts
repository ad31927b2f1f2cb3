import type { Cause } from '../../../src/core/report/schema';
import type { ObservedIncident } from '../../../src/core/reason/types';
import { events, merchantsRange, observedIncident, tickets } from './builders';

/** One canonical incident shape per built-in rule, as an engineer would describe it. */
export interface Shape {
  readonly cause: Cause;
  readonly ruleId: string;
  readonly incident: () => ObservedIncident;
}

export const SHAPES: Readonly<Record<string, Shape>> = {
  webhookAuth: {
    cause: 'webhook_auth_failure',
    ruleId: 'builtin.webhook_auth_failure',
    incident: () =>
      observedIncident({
        events: [events('http_401', 'webhook', 30, 'M7'), events('webhook_signature_invalid', 'webhook', 8, 'M7')],
        tickets: [tickets('webhook_auth_error', 2, 'M7')],
      }),
  },
  webhookDelivery: {
    cause: 'webhook_delivery_failure',
    ruleId: 'builtin.webhook_delivery_failure',
    incident: () =>
      observedIncident({
        events: [
          events('webhook_timeout', 'webhook', 20, 'M2'),
          events('http_503', 'webhook', 10, 'M2'),
          events('webhook_retries_exhausted', 'webhook', 4, 'M2'),
        ],
      }),
  },
  misconfig: {
    cause: 'migration_misconfiguration',
    ruleId: 'builtin.migration_misconfiguration',
    incident: () =>
      observedIncident({
        events: [events('checkout_timeout', 'checkout', 28, 'M4'), events('payment_gateway_error', 'checkout', 12, 'M4')],
        tickets: [tickets('checkout_broken', 3, 'M4')],
      }),
  },
  frontendMismatch: {
    cause: 'frontend_backend_mismatch',
    ruleId: 'builtin.frontend_backend_mismatch',
    incident: () =>
      observedIncident({
        events: [events('schema_mismatch', 'frontend', 12, 'M8'), events('http_422', 'frontend', 6, 'M8')],
        tickets: [tickets('price_display_wrong', 1, 'M8')],
      }),
  },
  platformSpread: {
    cause: 'platform_regression',
    ruleId: 'builtin.platform_regression.spread',
    incident: () =>
      observedIncident({
        events: [events('http_503', 'api', 120, ...merchantsRange(1, 12))],
        features: { detectors: ['threshold', 'spread'] },
      }),
  },
  platformManyErrors: {
    cause: 'platform_regression',
    ruleId: 'builtin.platform_regression.many_errors',
    incident: () =>
      observedIncident({
        events: [
          events('http_500', 'api', 6, 'M1', 'M2'),
          events('search_index_error', 'api', 5, 'M3'),
          events('image_upload_failed', 'api', 5, 'M4'),
          events('tax_service_timeout', 'api', 5, 'M5', 'M6'),
        ],
      }),
  },
  dataInconsistency: {
    cause: 'api_data_inconsistency',
    ruleId: 'builtin.api_data_inconsistency',
    incident: () =>
      observedIncident({
        events: [events('sync_lag', 'api', 10, 'M6')],
        tickets: [tickets('api_200_inconsistent', 4, 'M6')],
      }),
  },
  rateLimit: {
    cause: 'rate_limiting',
    ruleId: 'builtin.rate_limiting',
    incident: () => observedIncident({ events: [events('http_429', 'api', 45, 'M9')], features: { detectors: ['threshold', 'spike'] } }),
  },
  apiAuth: {
    cause: 'api_auth_failure',
    ruleId: 'builtin.api_auth_failure',
    incident: () =>
      observedIncident({
        events: [events('http_401', 'api', 12, 'M3'), events('invalid_token', 'api', 5, 'M3')],
        tickets: [tickets('auth_error', 1, 'M3')],
      }),
  },
  documentationGap: {
    cause: 'documentation_gap',
    ruleId: 'builtin.documentation_gap',
    incident: () =>
      observedIncident({
        tickets: [tickets('how_to', 3, 'M3'), tickets('how_to', 2, 'M6')],
        features: { howToTickets: 5, detectors: ['tickets_without_errors', 'ticket_surge'] },
      }),
  },
  benignNoise: {
    cause: 'normal_operation',
    ruleId: 'builtin.normal_operation.benign',
    incident: () => observedIncident({ events: [events('http_404', 'api', 8, 'M2'), events('client_disconnect', 'api', 4, 'M2')] }),
  },
  lowVolume: {
    cause: 'normal_operation',
    ruleId: 'builtin.normal_operation.low_volume',
    incident: () => observedIncident({ events: [events('http_500', 'api', 3, 'M10')], features: { detectors: ['new_code'] } }),
  },
};
