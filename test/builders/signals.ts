import type { SignalRecord } from '../../src/core/observe/signal';

/**
 * Builders for normalised SignalRecords, so tests say what matters ("7 webhook 401s at M3 at 10:02") and nothing
 * else. Ids and line numbers count up per factory, so every record has a distinct, predictable evidence location.
 */

/** 2026-01-31 08:00 UTC: the start of the builders' migration day (window-aligned for 1, 5, 10 and 60 min). */
export const T0 = Date.UTC(2026, 0, 31, 8, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** T0 + minutes. */
export function at(minutes: number): number {
  return T0 + minutes * MINUTE;
}

export interface EventSpec {
  merchant?: string;
  code?: string;
  service?: string;
  /** Epoch ms (see `at()`). */
  time?: number;
  weight?: number;
  migrationStage?: string;
  endpoint?: string;
  httpStatus?: number;
  file?: string;
  id?: string;
}

export interface TicketSpec {
  merchant?: string;
  issue?: string;
  text?: string;
  time?: number;
  file?: string;
  id?: string;
}

export interface SeriesSpec {
  /** Number of records. */
  count: number;
  /** Time of the first record. */
  from?: number;
  /** Gap between records (default 10 s). */
  every?: number;
}

export class SignalFactory {
  private events = 0;
  private tickets = 0;
  private readonly lines = new Map<string, number>();

  private nextLine(file: string): number {
    const line = (this.lines.get(file) ?? 0) + 1;
    this.lines.set(file, line);
    return line;
  }

  event(spec: EventSpec = {}): SignalRecord {
    this.events++;
    const file = spec.file ?? 'events.ndjson';
    const record: SignalRecord = {
      kind: 'event',
      id: spec.id ?? `E${this.events}`,
      merchantId: spec.merchant ?? 'M1',
      code: spec.code ?? 'http_500',
      service: spec.service ?? 'api',
      timestamp: spec.time ?? T0,
      weight: spec.weight ?? 1,
      location: { file, line: this.nextLine(file), column: 1 },
      ...(spec.migrationStage !== undefined ? { migrationStage: spec.migrationStage } : {}),
      ...(spec.endpoint !== undefined ? { endpoint: spec.endpoint } : {}),
      ...(spec.httpStatus !== undefined ? { httpStatus: spec.httpStatus } : {}),
    };
    return record;
  }

  ticket(spec: TicketSpec = {}): SignalRecord {
    this.tickets++;
    const file = spec.file ?? 'tickets.ndjson';
    return {
      kind: 'ticket',
      id: spec.id ?? `T${this.tickets}`,
      merchantId: spec.merchant ?? 'M1',
      code: spec.issue ?? 'general',
      service: 'support',
      timestamp: spec.time ?? T0,
      weight: 1,
      text: spec.text ?? 'Something is broken since the migration',
      location: { file, line: this.nextLine(file), column: 1 },
    };
  }

  /** `count` events like `spec`, `every` ms apart starting at `from`. */
  eventSeries(spec: EventSpec & SeriesSpec): SignalRecord[] {
    const every = spec.every ?? 10_000;
    const from = spec.from ?? spec.time ?? T0;
    return Array.from({ length: spec.count }, (_, i) => this.event({ ...spec, time: from + i * every }));
  }

  ticketSeries(spec: TicketSpec & SeriesSpec): SignalRecord[] {
    const every = spec.every ?? 60_000;
    const from = spec.from ?? spec.time ?? T0;
    return Array.from({ length: spec.count }, (_, i) => this.ticket({ ...spec, time: from + i * every }));
  }

  /** The same failure at each merchant (one burst of `perMerchant` events per merchant). */
  acrossMerchants(merchants: readonly string[], spec: EventSpec & { perMerchant: number; from?: number; every?: number }): SignalRecord[] {
    return merchants.flatMap((merchant, m) =>
      this.eventSeries({ ...spec, merchant, count: spec.perMerchant, from: (spec.from ?? T0) + m * 1_000, every: spec.every ?? 20_000 }),
    );
  }

  /**
   * Background noise: `count` events spread evenly over `durationMs`, cycling through codes and merchants (5 codes,
   * 8 merchants by default: coprime, so consecutive events differ in both) so that no code clusters at one merchant
   * or across merchants. Keep it sparse (a handful per window), as real background noise is.
   */
  noise(spec: { count: number; from?: number; durationMs: number; merchants?: readonly string[]; codes?: readonly string[] }): SignalRecord[] {
    const merchants = spec.merchants ?? ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8'];
    const codes = spec.codes ?? ['http_500', 'http_502', 'timeout', 'http_404', 'validation_error'];
    const from = spec.from ?? T0;
    const step = spec.durationMs / spec.count;
    return Array.from({ length: spec.count }, (_, i) =>
      this.event({
        merchant: merchants[i % merchants.length],
        code: codes[i % codes.length],
        service: 'api',
        time: Math.floor(from + i * step),
      }),
    );
  }
}

/** Merchant ids M1 … Mn. */
export function merchants(n: number, first = 1): string[] {
  return Array.from({ length: n }, (_, i) => `M${first + i}`);
}

/** Records sorted by time (stable): what a single merged stream would deliver. */
export function byTime(records: readonly SignalRecord[]): SignalRecord[] {
  return [...records].sort((a, b) => a.timestamp - b.timestamp);
}
