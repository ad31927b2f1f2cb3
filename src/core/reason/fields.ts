/**
 * The vocabulary of rule conditions: which fields exist and what kind of value each one holds.
 * A condition naming anything else is rejected when the rules are loaded, with a suggestion,
 * because a rule over a misspelt field would silently never fire.
 */
export type FieldKind = 'number' | 'string' | 'list';

export interface FieldDoc {
  readonly kind: FieldKind;
  readonly doc: string;
}

/** Plain fields: every IncidentFeatures key that holds a value, plus incident-level and derived ones. */
export const STATIC_FIELDS: Readonly<Record<string, FieldDoc>> = {
  eventCount: { kind: 'number', doc: 'weighted events in the incident' },
  ticketCount: { kind: 'number', doc: 'tickets in the incident' },
  merchantCount: { kind: 'number', doc: 'distinct merchants affected' },
  errorCodes: { kind: 'list', doc: 'distinct event error codes' },
  ticketIssues: { kind: 'list', doc: 'distinct ticket issues' },
  services: { kind: 'list', doc: 'services the events came from' },
  migrationStages: { kind: 'list', doc: 'migration stages named by the records' },
  endpoints: { kind: 'list', doc: 'endpoints named by the events' },
  httpStatuses: { kind: 'list', doc: 'HTTP statuses carried by the events' },
  distinctErrorTypes: { kind: 'number', doc: 'distinct event error codes (count)' },
  ticketsWithErrors: { kind: 'number', doc: 'tickets whose merchant also has events here' },
  ticketsWithoutErrors: { kind: 'number', doc: 'tickets with no matching errors for their merchant' },
  errorsWithoutTickets: { kind: 'number', doc: 'events whose merchant raised no ticket' },
  howToTickets: { kind: 'number', doc: 'tickets that read like how-to questions' },
  newCodes: { kind: 'list', doc: 'error codes never seen before this window' },
  durationMs: { kind: 'number', doc: 'first to last record, ms of event time' },
  detectors: { kind: 'list', doc: 'detectors that fired (threshold, spike, new_code, spread, ...)' },
  scope: { kind: 'string', doc: 'merchant | multi_merchant | platform' },
  observationConfidence: { kind: 'number', doc: 'observation confidence 0..1' },
  merchants: { kind: 'list', doc: 'merchant ids' },
  signatures: { kind: 'list', doc: 'signatures, e.g. http_401@webhook, ticket:how_to' },
  codes: { kind: 'list', doc: 'error codes and ticket issues together' },
  durationMinutes: { kind: 'number', doc: 'durationMs in whole minutes' },
  eventsPerMerchant: { kind: 'number', doc: 'eventCount / merchantCount' },
  ticketToEventRatio: { kind: 'number', doc: 'ticketCount / eventCount (eventCount 0 counts as 1)' },
  anomalyCount: { kind: 'number', doc: 'anomalies grouped into the incident' },
};

/**
 * Parameterised fields `<name>:<pattern>`; the pattern is a code pattern (see pattern.ts),
 * except for serviceShare whose argument is a service name glob.
 */
export const PARAM_FIELDS: Readonly<Record<string, FieldDoc>> = {
  count: { kind: 'number', doc: 'weighted events whose code (or code@service) matches' },
  share: { kind: 'number', doc: 'share 0..1 of the weighted events whose code matches' },
  tickets: { kind: 'number', doc: 'tickets whose issue matches' },
  ticketShare: { kind: 'number', doc: 'share 0..1 of the tickets whose issue matches' },
  merchantsWith: { kind: 'number', doc: 'distinct merchants with an event whose code matches' },
  serviceShare: { kind: 'number', doc: 'share 0..1 of the weighted events from a service' },
};

/** Fields whose values are event error codes: their patterns tell which codes a rule knows. */
export const CODE_LIST_FIELDS: ReadonlySet<string> = new Set(['errorCodes', 'codes', 'newCodes', 'signatures']);
/** Parameterised fields whose argument is an event code pattern. */
export const EVENT_CODE_PARAMS: ReadonlySet<string> = new Set(['count', 'share', 'merchantsWith']);

export interface ParsedField {
  readonly name: string;
  readonly kind: FieldKind;
  /** Argument of a parameterised field. */
  readonly arg?: string;
}

export type FieldLookup = { ok: true; field: ParsedField } | { ok: false; message: string };

export function lookupField(field: string): FieldLookup {
  const staticDoc = STATIC_FIELDS[field];
  if (staticDoc) return { ok: true, field: { name: field, kind: staticDoc.kind } };
  const colon = field.indexOf(':');
  if (colon > 0) {
    const name = field.slice(0, colon);
    const arg = field.slice(colon + 1).trim();
    const paramDoc = PARAM_FIELDS[name];
    if (!paramDoc) {
      return { ok: false, message: `unknown field "${field}"${suggest(name, Object.keys(PARAM_FIELDS), ':<pattern>')}` };
    }
    if (arg.length === 0) return { ok: false, message: `field "${field}" needs a pattern after "${name}:"` };
    return { ok: true, field: { name, kind: paramDoc.kind, arg } };
  }
  const candidates = [...Object.keys(STATIC_FIELDS), ...Object.keys(PARAM_FIELDS).map((p) => `${p}:`)];
  return { ok: false, message: `unknown field "${field}"${suggest(field, candidates, '')}` };
}

function suggest(word: string, candidates: readonly string[], suffix: string): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.replace(/:$/, '').toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best === undefined || bestDistance > Math.max(2, Math.floor(word.length / 3))) {
    return ` (known fields: ${Object.keys(STATIC_FIELDS).join(', ')}, and ${Object.keys(PARAM_FIELDS)
      .map((p) => `${p}:<pattern>`)
      .join(', ')})`;
  }
  return ` (did you mean ${best.endsWith(':') ? `${best}<pattern>` : best}${suffix}?)`;
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}
