import type { ObservedIncident } from './types';
import { compilePattern, globToRegExp, type CodePattern } from './pattern';
import type { ParsedField } from './fields';

export type FieldValue = number | string | readonly (string | number)[];

interface Weighted {
  readonly code: string;
  readonly service: string | undefined;
  readonly count: number;
  readonly merchants: readonly string[];
}

/**
 * Read-only view of one incident in the vocabulary of rule conditions. Values are computed on first
 * use and memoised, so a catalogue of rules over the same incident pays for each field once.
 * Per-code counts come from the incident's signature stats (they know the service); when Observe
 * sent none, `countsByCode` is used without service information.
 */
export class FeatureView {
  private readonly memo = new Map<string, FieldValue>();
  private readonly events: readonly Weighted[];
  private readonly tickets: readonly Weighted[];
  private readonly eventWeight: number;
  private readonly ticketWeight: number;

  constructor(readonly incident: ObservedIncident) {
    const f = incident.features;
    const eventSigs = incident.signatures.filter((s) => s.kind === 'event');
    const ticketSigs = incident.signatures.filter((s) => s.kind === 'ticket');
    this.events =
      eventSigs.length > 0
        ? eventSigs.map((s) => ({ code: s.code, service: s.service, count: s.count, merchants: s.merchants }))
        : f.errorCodes.map((code) => ({ code, service: undefined, count: f.countsByCode[code] ?? 0, merchants: [] }));
    this.tickets =
      ticketSigs.length > 0
        ? ticketSigs.map((s) => ({ code: s.code, service: undefined, count: s.count, merchants: s.merchants }))
        : f.ticketIssues.map((code) => ({
            code,
            service: undefined,
            // Observe keys ticket issues as `ticket:<issue>` so they never collide with an event code.
            count: f.countsByCode[`ticket:${code}`] ?? f.countsByCode[code] ?? 0,
            merchants: [],
          }));
    const summed = this.events.reduce((n, e) => n + e.count, 0);
    this.eventWeight = summed > 0 ? summed : f.eventCount;
    const ticketsSummed = this.tickets.reduce((n, t) => n + t.count, 0);
    this.ticketWeight = ticketsSummed > 0 ? ticketsSummed : f.ticketCount;
  }

  /** Weighted events per signature (`code@service`), for evidence lines and the unknown-code check. */
  eventSignatures(): readonly Weighted[] {
    return this.events;
  }

  totalEventWeight(): number {
    return this.eventWeight;
  }

  get(field: ParsedField, key: string): FieldValue {
    const cached = this.memo.get(key);
    if (cached !== undefined) return cached;
    const value = field.arg === undefined ? this.staticValue(field.name) : this.paramValue(field.name, field.arg);
    this.memo.set(key, value);
    return value;
  }

  private staticValue(name: string): FieldValue {
    const i = this.incident;
    const f = i.features;
    switch (name) {
      case 'scope':
        return i.scope;
      case 'observationConfidence':
        return i.observationConfidence.value;
      case 'merchants':
        return i.merchants;
      case 'signatures':
        return i.signatures.map((s) => s.signature);
      case 'codes':
        return [...new Set([...f.errorCodes, ...f.ticketIssues])];
      case 'durationMinutes':
        return Math.round(f.durationMs / 60_000);
      case 'eventsPerMerchant':
        return f.eventCount / Math.max(1, f.merchantCount);
      case 'ticketToEventRatio':
        return f.ticketCount / Math.max(1, f.eventCount);
      case 'anomalyCount':
        return i.anomalies.length;
      default: {
        const value = (f as unknown as Record<string, unknown>)[name];
        if (typeof value === 'number' || typeof value === 'string') return value;
        if (Array.isArray(value)) return value as (string | number)[];
        return 0;
      }
    }
  }

  private paramValue(name: string, arg: string): number {
    if (name === 'serviceShare') {
      const service = globToRegExp(arg);
      const at = this.events.filter((e) => e.service !== undefined && service.test(e.service));
      return ratio(sum(at), this.eventWeight);
    }
    const pattern = compilePatternCached(arg);
    if (name === 'tickets' || name === 'ticketShare') {
      const n = sum(this.tickets.filter((t) => pattern.matchesCode(t.code)));
      return name === 'tickets' ? n : ratio(n, this.ticketWeight);
    }
    const matching = this.events.filter((e) => pattern.matchesCode(e.code, e.service));
    if (name === 'count') return sum(matching);
    if (name === 'share') return ratio(sum(matching), this.eventWeight);
    // merchantsWith
    return new Set(matching.flatMap((e) => e.merchants)).size;
  }
}

function sum(items: readonly Weighted[]): number {
  return items.reduce((n, e) => n + e.count, 0);
}

function ratio(n: number, d: number): number {
  return d > 0 ? n / d : 0;
}

const patternCache = new Map<string, CodePattern>();
/** Patterns repeat across rules and incidents; compile each source once per process. */
export function compilePatternCached(source: string): CodePattern {
  let p = patternCache.get(source);
  if (!p) {
    p = compilePattern(source);
    patternCache.set(source, p);
  }
  return p;
}
