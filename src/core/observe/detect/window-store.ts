import type { SignalKind, SignalRecord } from '../signal';
import { eventFamily, isCheckoutFailure, isErrorCode, isHowTo, ticketFamily, type Family } from './families';

/**
 * Windowed aggregates of the signal stream, by event time: window → signature → merchant → Cell.
 * This is all Observe remembers of the raw records: counts, a few distinct attribute values and a small sample of
 * records for evidence. Windows older than the retention horizon are dropped, so memory depends on the number of
 * signatures × merchants × retained windows, never on the number of records.
 */

/** First and last few records of a cell are kept as evidence candidates (references, via the record's location). */
export const CELL_HEAD = 3;
export const CELL_TAIL = 3;
/** Distinct stages / endpoints / statuses remembered per cell; more are rare and add nothing for the rules. */
const CELL_DISTINCT_CAP = 8;

/** What an evidence sample needs of a record. A live SignalRecord satisfies it; restored samples are this shape. */
export type SampleRecord = Pick<SignalRecord, 'kind' | 'id' | 'merchantId' | 'code' | 'timestamp' | 'location'>;

export interface Signature {
  /** `code@service` or `ticket:issue` (signatureOf()). */
  readonly key: string;
  readonly kind: SignalKind;
  readonly code: string;
  readonly service: string;
  readonly family: Family;
  /** Events only: a failure (not a 2xx/3xx or informational code). */
  readonly error: boolean;
  /** Events only: counts as a failed checkout (threshold 1). */
  readonly checkout: boolean;
  /** Earliest event time seen for this signature (for `new_code`). */
  firstTs: number;
}

export interface Cell {
  readonly merchant: string;
  /** Records taken in. */
  n: number;
  /** Weighted occurrences (a record with `count: 7` is 7). */
  weight: number;
  minTs: number;
  maxTs: number;
  head: SampleRecord[];
  /** Ring of the most recent records after the head: record number q (0-based) sits at (q - CELL_HEAD) % CELL_TAIL. */
  tail: SampleRecord[];
  stages: string[];
  endpoints: string[];
  statuses: number[];
  /** Tickets that read like how-to questions (weighted). */
  howTo: number;
  /** Incident number owning this cell (0 = none yet). Ownership is exclusive and never changes. */
  owner: number;
  /** What the owner has already absorbed: deltas are absorbed on the next evaluation. */
  absorbedN: number;
  absorbedWeight: number;
  absorbedHowTo: number;
}

export interface SigWindow {
  readonly sig: Signature;
  total: number;
  cells: Map<string, Cell>;
}

export interface WindowState {
  readonly start: number;
  readonly sigs: Map<Signature, SigWindow>;
}

export interface WindowStoreStats {
  readonly windows: number;
  readonly cells: number;
  readonly signatures: number;
  /** Records older than the retention horizon when they arrived: counted, not aggregated. */
  readonly lateRecords: number;
}

export class WindowStore {
  readonly windows = new Map<number, WindowState>();
  /** Event signatures by code then service (two lookups, no string building per record). */
  private readonly eventSigs = new Map<string, Map<string, Signature>>();
  private readonly ticketSigs = new Map<string, Signature>();
  /** Windows changed since the last `takeDirty()`. */
  private readonly dirty = new Set<number>();
  latestTs = Number.NEGATIVE_INFINITY;
  firstEventTs = Number.POSITIVE_INFINITY;
  /** Earliest record of any kind: where baselines start. */
  firstTs = Number.POSITIVE_INFINITY;
  ticketRecords = 0;
  eventRecords = 0;
  lateRecords = 0;
  /**
   * Start of the newest window dropped so far. Baselines read back only to here: a window after it that is missing
   * had no records (counts 0), one at or before it is forgotten. Not the horizon: a window is evaluated with the
   * history it had when it was filled, whether the records behind it arrived in one batch or in many.
   */
  droppedThrough = Number.NEGATIVE_INFINITY;

  constructor(
    readonly windowMs: number,
    /** How many windows before the latest one are kept. */
    readonly retainWindows: number,
  ) {}

  /** Oldest window start still accepted; records before it are late. */
  horizon(): number {
    if (this.latestTs === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
    return this.windowStart(this.latestTs) - this.retainWindows * this.windowMs;
  }

  windowStart(ts: number): number {
    return ts - (((ts % this.windowMs) + this.windowMs) % this.windowMs);
  }

  /**
   * Hot path: a handful of Map lookups per record, no allocation unless a new window/signature/cell appears.
   * Lateness is judged against the horizon as it stood before the batch: one batch (say a whole events file
   * followed by a whole tickets file) is never late relative to itself, whatever order its records come in.
   */
  add(records: readonly SignalRecord[]): void {
    const W = this.windowMs;
    const horizon = this.horizon();
    let lastStart = Number.NaN;
    let win: WindowState | undefined;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as SignalRecord;
      const ts = r.timestamp;
      if (ts > this.latestTs) this.latestTs = ts;
      const start = ts - (((ts % W) + W) % W);
      if (start < horizon) {
        this.lateRecords++;
        continue;
      }
      if (start !== lastStart) {
        win = this.windows.get(start);
        if (win === undefined) {
          win = { start, sigs: new Map() };
          this.windows.set(start, win);
        }
        this.dirty.add(start);
        lastStart = start;
      }
      const sig = this.signature(r);
      if (r.kind === 'event') {
        this.eventRecords++;
        if (ts < this.firstEventTs) this.firstEventTs = ts;
      } else {
        this.ticketRecords++;
      }
      if (ts < sig.firstTs) sig.firstTs = ts;
      if (ts < this.firstTs) this.firstTs = ts;
      const w = win as WindowState;
      let sw = w.sigs.get(sig);
      if (sw === undefined) {
        sw = { sig, total: 0, cells: new Map() };
        w.sigs.set(sig, sw);
      }
      let cell = sw.cells.get(r.merchantId);
      if (cell === undefined) {
        cell = newCell(r.merchantId);
        sw.cells.set(r.merchantId, cell);
      }
      const weight = r.weight;
      sw.total += weight;
      addToCell(cell, r, weight);
    }
  }

  private signature(r: SignalRecord): Signature {
    if (r.kind === 'event') {
      let byService = this.eventSigs.get(r.code);
      if (byService === undefined) {
        byService = new Map();
        this.eventSigs.set(r.code, byService);
      }
      let sig = byService.get(r.service);
      if (sig === undefined) {
        sig = makeSignature('event', r.code, r.service, Number.POSITIVE_INFINITY);
        byService.set(r.service, sig);
      }
      return sig;
    }
    let sig = this.ticketSigs.get(r.code);
    if (sig === undefined) {
      sig = makeSignature('ticket', r.code, r.service, Number.POSITIVE_INFINITY);
      this.ticketSigs.set(r.code, sig);
    }
    return sig;
  }

  /** Earliest time an event error code was seen under any service (for `new_code`). */
  codeFirstSeen(code: string): number {
    let first = Number.POSITIVE_INFINITY;
    const byService = this.eventSigs.get(code);
    if (byService) for (const sig of byService.values()) if (sig.firstTs < first) first = sig.firstTs;
    return first;
  }

  /** Returns the changed windows and forgets them. */
  takeDirty(): number[] {
    const out = [...this.dirty].filter((w) => this.windows.has(w));
    this.dirty.clear();
    return out.sort((a, b) => a - b);
  }

  hasDirty(): boolean {
    return this.dirty.size > 0;
  }

  /** Window starts older than the horizon (to be settled by the caller, then dropped). */
  expiredWindows(): number[] {
    const horizon = this.horizon();
    const out: number[] = [];
    for (const start of this.windows.keys()) if (start < horizon) out.push(start);
    return out.sort((a, b) => a - b);
  }

  drop(start: number): void {
    if (start > this.droppedThrough) this.droppedThrough = start;
    this.windows.delete(start);
    this.dirty.delete(start);
  }

  stats(): WindowStoreStats {
    let cells = 0;
    for (const w of this.windows.values()) for (const sw of w.sigs.values()) cells += sw.cells.size;
    let signatures = this.ticketSigs.size;
    for (const m of this.eventSigs.values()) signatures += m.size;
    return { windows: this.windows.size, cells, signatures, lateRecords: this.lateRecords };
  }

  snapshot(): WindowStoreSnapshot {
    const sigs: SignatureSnapshot[] = [];
    const index = new Map<Signature, number>();
    const push = (s: Signature): void => {
      index.set(s, sigs.length);
      sigs.push([s.kind, s.code, s.service, finite(s.firstTs)]);
    };
    for (const m of this.eventSigs.values()) for (const s of m.values()) push(s);
    for (const s of this.ticketSigs.values()) push(s);
    const windows: WindowSnapshot[] = [];
    for (const w of this.windows.values()) {
      const sw: WindowSnapshot['sigs'] = [];
      for (const x of w.sigs.values()) {
        sw.push({ sig: index.get(x.sig) as number, total: x.total, cells: [...x.cells.values()].map(cellSnapshot) });
      }
      windows.push({ start: w.start, sigs: sw });
    }
    return {
      windowMs: this.windowMs,
      retainWindows: this.retainWindows,
      latestTs: finite(this.latestTs),
      firstEventTs: finite(this.firstEventTs),
      firstTs: finite(this.firstTs),
      ticketRecords: this.ticketRecords,
      eventRecords: this.eventRecords,
      lateRecords: this.lateRecords,
      droppedThrough: finite(this.droppedThrough),
      dirty: [...this.dirty],
      sigs,
      windows,
    };
  }

  static restore(s: WindowStoreSnapshot): WindowStore {
    const store = new WindowStore(s.windowMs, s.retainWindows);
    store.latestTs = s.latestTs ?? Number.NEGATIVE_INFINITY;
    store.firstEventTs = s.firstEventTs ?? Number.POSITIVE_INFINITY;
    store.firstTs = s.firstTs ?? Number.POSITIVE_INFINITY;
    store.ticketRecords = s.ticketRecords;
    store.eventRecords = s.eventRecords;
    store.lateRecords = s.lateRecords;
    if (s.droppedThrough === undefined) {
      // A snapshot from before droppedThrough was kept: it held only windows at or after the horizon.
      store.droppedThrough = store.horizon() - store.windowMs;
    } else {
      store.droppedThrough = s.droppedThrough ?? Number.NEGATIVE_INFINITY;
    }
    const sigs = s.sigs.map(([kind, code, service, firstTs]) => {
      const sig = makeSignature(kind, code, service, firstTs ?? Number.POSITIVE_INFINITY);
      if (kind === 'event') {
        let byService = store.eventSigs.get(code);
        if (!byService) store.eventSigs.set(code, (byService = new Map()));
        byService.set(service, sig);
      } else {
        store.ticketSigs.set(code, sig);
      }
      return sig;
    });
    for (const w of s.windows) {
      const state: WindowState = { start: w.start, sigs: new Map() };
      for (const x of w.sigs) {
        const sig = sigs[x.sig];
        if (!sig) throw new Error(`Observer snapshot: unknown signature index ${x.sig}`);
        state.sigs.set(sig, { sig, total: x.total, cells: new Map(x.cells.map((c) => [c.merchant, cellSnapshot(c)])) });
      }
      store.windows.set(w.start, state);
    }
    for (const d of s.dirty) store.dirty.add(d);
    return store;
  }
}

export function makeSignature(kind: SignalKind, code: string, service: string, firstTs: number): Signature {
  const isEvent = kind === 'event';
  return {
    key: isEvent ? `${code}@${service}` : `ticket:${code}`,
    kind,
    code,
    service,
    family: isEvent ? eventFamily(code, service) : ticketFamily(code),
    error: isEvent && isErrorCode(code),
    checkout: isEvent && isCheckoutFailure(code, service),
    firstTs,
  };
}

function newCell(merchant: string): Cell {
  return {
    merchant,
    n: 0,
    weight: 0,
    minTs: Number.POSITIVE_INFINITY,
    maxTs: Number.NEGATIVE_INFINITY,
    head: NONE,
    tail: NONE,
    stages: NONE,
    endpoints: NONE,
    statuses: NONE,
    howTo: 0,
    owner: 0,
    absorbedN: 0,
    absorbedWeight: 0,
    absorbedHowTo: 0,
  };
}

function addToCell(cell: Cell, r: SignalRecord, weight: number): void {
  const q = cell.n++;
  cell.weight += weight;
  if (r.timestamp < cell.minTs) cell.minTs = r.timestamp;
  if (r.timestamp > cell.maxTs) cell.maxTs = r.timestamp;
  // `[r]` holds exactly one element; an empty array's first push reserves room for seventeen.
  if (q === 0) cell.head = [r];
  else if (q < CELL_HEAD) cell.head.push(r);
  else {
    if (q === CELL_HEAD) cell.tail = [];
    cell.tail[(q - CELL_HEAD) % CELL_TAIL] = r;
  }
  if (r.migrationStage !== undefined) cell.stages = withDistinct(cell.stages, r.migrationStage);
  if (r.endpoint !== undefined) cell.endpoints = withDistinct(cell.endpoints, r.endpoint);
  if (r.httpStatus !== undefined) cell.statuses = withDistinct(cell.statuses, r.httpStatus);
  if (r.kind === 'ticket' && isHowTo(r.code, r.text)) cell.howTo += weight;
}

/**
 * The empty list every new cell starts with, shared: most cells of a long, quiet history hold a record or two
 * and never a stage, endpoint or status, and five arrays per cell were most of Observe's garbage. Never written:
 * withDistinct() and addToCell() replace it with a list of the cell's own before the first write.
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

function withDistinct<T>(list: T[], value: T): T[] {
  if (list.length >= CELL_DISTINCT_CAP || list.includes(value)) return list;
  if (list === NONE) return [value];
  list.push(value);
  return list;
}

/** Records of the cell numbered ≥ from (in arrival order) that are still held as samples. */
export function samplesSince(cell: Cell, from: number): SampleRecord[] {
  const out: SampleRecord[] = [];
  for (let q = from; q < Math.min(cell.head.length, cell.n); q++) out.push(cell.head[q] as SampleRecord);
  const firstTail = Math.max(from, CELL_HEAD, cell.n - CELL_TAIL);
  for (let q = firstTail; q < cell.n; q++) {
    const s = cell.tail[(q - CELL_HEAD) % CELL_TAIL];
    if (s) out.push(s);
  }
  return out;
}

/** Only what evidence needs: a snapshot must not carry ticket text or unknown fields along. */
function minimalSample(r: SampleRecord): SampleRecord {
  return {
    kind: r.kind,
    id: r.id,
    merchantId: r.merchantId,
    code: r.code,
    timestamp: r.timestamp,
    location: { file: r.location.file, line: r.location.line, column: r.location.column },
  };
}

function cellSnapshot(c: Cell): Cell {
  return {
    ...c,
    head: c.head.map(minimalSample),
    tail: c.tail.map(minimalSample),
    stages: [...c.stages],
    endpoints: [...c.endpoints],
    statuses: [...c.statuses],
  };
}

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

type SignatureSnapshot = [SignalKind, string, string, number | null];
interface WindowSnapshot {
  start: number;
  sigs: { sig: number; total: number; cells: Cell[] }[];
}
export interface WindowStoreSnapshot {
  windowMs: number;
  retainWindows: number;
  latestTs: number | null;
  firstEventTs: number | null;
  firstTs: number | null;
  ticketRecords: number;
  eventRecords: number;
  lateRecords: number;
  /** Absent in snapshots from before it was kept. */
  droppedThrough?: number | null;
  dirty: number[];
  sigs: SignatureSnapshot[];
  windows: WindowSnapshot[];
}
