import type { Cause, Scope } from '../report/schema';
import { deriveSeed, mulberry32, type Prng } from './prng';
import { RecordWriter, type LineSink } from './record-writer';
import { MERCHANTS, SCENARIO_START_MS, scenarioByName, SCENARIO_NAMES, type Burst, type ScenarioName } from './scenarios';
import { TICKET_TEXTS } from './ticket-texts';

export interface GenerateOptions {
  readonly scenario: ScenarioName;
  readonly seed: number;
  /** Total events; bursts are always written in full and background noise fills the rest. */
  readonly events?: number;
  readonly format: 'json' | 'ndjson';
}

export interface GenerateSinks {
  readonly events: LineSink;
  readonly tickets: LineSink;
}

/** One ground-truth incident (expected.json). */
export interface ExpectedIncident {
  readonly cause: Cause;
  readonly merchants: string[];
  readonly scope: Scope;
  /** Event error codes (and ticket issues for ticket-only incidents) that make up the incident. */
  readonly codes: string[];
  /** Epoch ms of the incident's first and last generated record. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly label: string;
  readonly ambiguous?: boolean;
  readonly note: string;
}

export interface GroundTruth {
  readonly scenario: ScenarioName;
  readonly title: string;
  readonly seed: number;
  readonly events: number;
  readonly tickets: number;
  readonly incidents: ExpectedIncident[];
}

/**
 * Benign background traffic: [code, service, weight]. Flat weights keep every signature far below
 * Observe's thresholds (see NOISE_EVENT_GAP_MS in scenarios.ts); http_3xx are not errors at all, and
 * the one real failure code (http_503) is rare.
 */
const NOISE_CODES: readonly (readonly [readonly [string, string], number])[] = [
  [['http_404', 'api'], 10],
  [['http_404', 'frontend'], 10],
  [['http_304', 'frontend'], 10],
  [['client_disconnect', 'api'], 10],
  [['client_aborted', 'frontend'], 8],
  [['cache_miss', 'frontend'], 10],
  [['slow_response', 'api'], 10],
  [['slow_response', 'checkout'], 6],
  [['validation_error', 'api'], 10],
  [['retry_succeeded', 'webhook'], 8],
  [['http_499', 'api'], 6],
  [['http_503', 'api'], 2],
];
const NOISE_TICKET_ISSUES = ['billing', 'feature_request', 'account_access'] as const;

interface TimedEvent {
  readonly t: number;
  readonly merchant: string;
  readonly code: string;
  readonly service: string;
}
interface TimedTicket {
  readonly t: number;
  readonly merchant: string;
  readonly issue: string;
  readonly message: string;
}

export function listScenarios(): readonly ScenarioName[] {
  return SCENARIO_NAMES;
}

/**
 * Writes a scenario's events and tickets to the sinks, in time order, and returns the ground truth.
 * Deterministic for (scenario, seed, events, format): same options ⇒ identical bytes.
 * Streams: background noise is produced lazily and merged with the (small, bounded) burst records,
 * so a million events never sit in memory.
 */
export async function generate(opts: GenerateOptions, sinks: GenerateSinks): Promise<GroundTruth> {
  const scenario = scenarioByName(opts.scenario);
  if (!scenario) throw new Error(`unknown scenario "${opts.scenario}" (known: ${SCENARIO_NAMES.join(', ')})`);
  if (!Number.isSafeInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  if (opts.events !== undefined && (!Number.isSafeInteger(opts.events) || opts.events < 0)) {
    throw new Error(`events must be a non-negative integer, got ${opts.events}`);
  }
  const burstRng = mulberry32(deriveSeed(opts.seed, 1));
  const bursts = scenario.bursts.map((b) => burstRecords(b, burstRng));
  const burstEvents = bursts.flatMap((b) => b.events).sort((a, b) => a.t - b.t);
  const burstTickets = bursts.flatMap((b) => b.tickets).sort((a, b) => a.t - b.t);
  const total = opts.events ?? scenario.defaultEvents;
  const noiseCount = Math.max(0, total - burstEvents.length);
  const span = Math.max(noiseCount * scenario.noiseEventGapMs, lastOf(burstEvents) + 30 * 60_000 - SCENARIO_START_MS);

  const eventWriter = new RecordWriter(sinks.events, opts.format);
  const noise = noiseEvents(mulberry32(deriveSeed(opts.seed, 2)), noiseCount, scenario.noiseEventGapMs);
  const micros = mulberry32(deriveSeed(opts.seed, 3));
  let id = 0;
  for (const e of mergeByTime(noise, burstEvents)) {
    id++;
    await eventWriter.add({
      event_id: `E${id}`,
      merchant_id: e.merchant,
      error_code: e.code,
      service: e.service,
      timestamp: isoNoZone(e.t, micros),
    });
  }
  await eventWriter.end();

  const ticketWriter = new RecordWriter(sinks.tickets, opts.format);
  const ticketNoise = noiseTickets(mulberry32(deriveSeed(opts.seed, 4)), span, scenario.noiseTicketGapMs);
  let tid = 0;
  for (const t of mergeByTime(ticketNoise, burstTickets)) {
    tid++;
    await ticketWriter.add({
      ticket_id: `T${tid}`,
      merchant_id: t.merchant,
      issue: t.issue,
      message: t.message,
      timestamp: isoNoZone(t.t, micros),
    });
  }
  await ticketWriter.end();

  return {
    scenario: scenario.name,
    title: scenario.title,
    seed: opts.seed,
    events: eventWriter.records,
    tickets: ticketWriter.records,
    incidents: bursts.map((b) => b.expected),
  };
}

function burstRecords(b: Burst, rng: Prng): { events: TimedEvent[]; tickets: TimedTicket[]; expected: ExpectedIncident } {
  const start = SCENARIO_START_MS + b.startMin * 60_000;
  const duration = b.durationMin * 60_000;
  const events: TimedEvent[] = [];
  for (const spec of b.events) {
    for (const merchant of b.merchants) {
      for (let i = 0; i < spec.perMerchant; i++) {
        events.push({ t: start + Math.floor(rng.next() * duration), merchant, code: spec.code, service: spec.service });
      }
    }
  }
  const tickets: TimedTicket[] = [];
  for (const spec of b.tickets ?? []) {
    const texts = TICKET_TEXTS[spec.issue] ?? [spec.issue];
    for (const merchant of spec.merchants) {
      for (let i = 0; i < spec.perMerchant; i++) {
        // Tickets trail the first errors by a few minutes (people notice, then write).
        const t = start + Math.floor((0.15 + 0.85 * rng.next()) * duration);
        tickets.push({ t, merchant, issue: spec.issue, message: rng.pick(texts) });
      }
    }
  }
  const times = [...events, ...tickets].map((r) => r.t);
  const merchants = [...new Set([...events.map((e) => e.merchant), ...tickets.map((t) => t.merchant)])].sort(byMerchant);
  const codes = b.events.length > 0 ? [...new Set(b.events.map((e) => e.code))] : [...new Set((b.tickets ?? []).map((t) => t.issue))];
  return {
    events,
    tickets,
    expected: {
      cause: b.expect.cause,
      merchants,
      scope: merchants.length >= 10 ? 'platform' : merchants.length >= 3 ? 'multi_merchant' : 'merchant',
      codes,
      firstSeen: Math.min(...times),
      lastSeen: Math.max(...times),
      label: b.label,
      ...(b.expect.ambiguous ? { ambiguous: true } : {}),
      note: b.expect.note,
    },
  };
}

function* noiseEvents(rng: Prng, count: number, gapMs: number): Generator<TimedEvent> {
  let t = SCENARIO_START_MS;
  for (let i = 0; i < count; i++) {
    t += Math.max(1, Math.round(rng.exponential(gapMs)));
    const [code, service] = rng.weighted(NOISE_CODES);
    yield { t, merchant: rng.pick(MERCHANTS), code, service };
  }
}

function* noiseTickets(rng: Prng, spanMs: number, gapMs: number): Generator<TimedTicket> {
  let t = SCENARIO_START_MS;
  for (;;) {
    t += Math.max(1, Math.round(rng.exponential(gapMs)));
    if (t > SCENARIO_START_MS + spanMs) return;
    const issue = rng.pick(NOISE_TICKET_ISSUES);
    yield { t, merchant: rng.pick(MERCHANTS), issue, message: rng.pick(TICKET_TEXTS[issue] ?? [issue]) };
  }
}

/** Merges a lazy time-ordered stream with a sorted array; ties go to the array (the bursts). */
function* mergeByTime<T extends { t: number }>(lazy: Iterator<T>, sorted: readonly T[]): Generator<T> {
  let i = 0;
  let next = lazy.next();
  while (!next.done || i < sorted.length) {
    const fromArray = sorted[i];
    if (fromArray && (next.done || fromArray.t <= next.value.t)) {
      yield fromArray;
      i++;
    } else if (!next.done) {
      yield next.value;
      next = lazy.next();
    }
  }
}

function lastOf(events: readonly TimedEvent[]): number {
  return events.length > 0 ? events[events.length - 1]!.t : SCENARIO_START_MS;
}

function byMerchant(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b);
}

/** The prototype's timestamp format: ISO 8601 without a zone, microseconds ("2026-01-31T18:51:36.507867"). */
export function isoNoZone(ms: number, rng: Prng): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(rng.int(0, 999)).padStart(3, '0')}`;
}

