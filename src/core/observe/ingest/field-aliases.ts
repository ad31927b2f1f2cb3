import type { SignalKind } from '../signal';

/**
 * The record fields COSMOS understands, by their canonical name (the name used in `.cosmos/sources.json`),
 * and the raw field names accepted for each out of the box. The first alias is the prototype's name and is
 * the one error messages use; the order of the rest decides which wins when a record carries several.
 */
export const CANONICAL_FIELDS = [
  'id',
  'merchantId',
  'code',
  'service',
  'timestamp',
  'text',
  'subject',
  'severity',
  'migrationStage',
  'endpoint',
  'weight',
  'httpStatus',
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

type AliasTable = Readonly<Record<CanonicalField, readonly string[]>>;

const SHARED: Omit<AliasTable, 'id' | 'code' | 'text'> = {
  merchantId: ['merchant_id', 'merchant', 'merchantId', 'shop_id'],
  service: ['service', 'service_name', 'component'],
  timestamp: ['timestamp', 'created_at', 'time', 'ts', 'occurred_at', 'createdAt', '@timestamp'],
  subject: ['subject', 'title'],
  severity: ['severity', 'priority', 'level'],
  migrationStage: ['migration_stage', 'migrationStage', 'stage'],
  endpoint: ['endpoint', 'path', 'route', 'url'],
  weight: ['count', 'occurrence_count', 'occurrences'],
  httpStatus: ['http_status', 'status_code', 'httpStatus', 'statusCode'],
};

const EVENT_ALIASES: AliasTable = {
  ...SHARED,
  id: ['event_id', 'id', 'error_id'],
  // `http_status` doubles as the code when nothing better names the failure.
  code: ['error_code', 'code', 'error', 'status', 'http_status'],
  text: ['message', 'error_message', 'description', 'detail'],
};

const TICKET_ALIASES: AliasTable = {
  ...SHARED,
  id: ['ticket_id', 'id'],
  // A ticket's `status` is open/closed, never the issue, so it is not an alias here.
  code: ['issue', 'issue_type', 'category'],
  text: ['message', 'description', 'body', 'text'],
};

export function aliasesFor(kind: SignalKind): AliasTable {
  return kind === 'event' ? EVENT_ALIASES : TICKET_ALIASES;
}

/**
 * Lowercase, trimmed, runs of spaces and dashes turned into one underscore: `Checkout-Timeout ` → `checkout_timeout`.
 * Used for error codes, ticket issues, service names and migration stages so that spelling variants count together.
 */
export function canonicalCode(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Spelling variants of the same service seen in real exports; anything else keeps its canonical code form. */
const SERVICE_ALIASES: Readonly<Record<string, string>> = {
  webhooks: 'webhook',
  web_hook: 'webhook',
  web_hooks: 'webhook',
  hooks: 'webhook',
  storefront: 'frontend',
  store_front: 'frontend',
  web: 'frontend',
  front_end: 'frontend',
  ui: 'frontend',
  pwa: 'frontend',
  rest: 'api',
  rest_api: 'api',
  api_gateway: 'api',
  gateway: 'api',
  backend: 'api',
  payments: 'payment',
  psp: 'payment',
  checkouts: 'checkout',
  cart: 'checkout',
  catalogue: 'catalog',
  products: 'catalog',
  product: 'catalog',
  inventories: 'inventory',
  stock: 'inventory',
  oauth: 'auth',
  login: 'auth',
  authentication: 'auth',
  db: 'database',
  orders: 'order',
};

export function canonicalService(value: string): string {
  const code = canonicalCode(value);
  return Object.hasOwn(SERVICE_ALIASES, code) ? (SERVICE_ALIASES[code] as string) : code;
}

export const DEFAULT_EVENT_SERVICE = 'unknown';
export const DEFAULT_TICKET_SERVICE = 'support';
