import type { CosmosConfig } from '../../config/config';
import type { Incident, SourceSummary } from '../../report/schema';
import type { SignalRecord } from '../signal';
import { detectEventWindow, detectTicketWindow, MerchantTotals, type Candidate, type DetectorSettings } from './detectors';
import { isFailureReport } from './families';
import type { Group } from './groups';
import { IncidentState, type IncidentSnapshot } from './incident-state';
import { viewIncident, type ViewSettings } from './incident-view';
import { WindowStore, type Cell, type Signature, type WindowStoreSnapshot, type WindowStoreStats } from './window-store';

/** What Observe fills in of an Incident; Reason and Decide add the rest. */
export type ObservedIncident = Omit<
  Incident,
  'cause' | 'confidence' | 'reasoningMode' | 'hypotheses' | 'ambiguity' | 'llm' | 'decision'
>;

export interface ObservationContext {
  readonly sources: readonly SourceSummary[];
  /** Records that failed validation. */
  readonly invalid: number;
  /** All records read, valid and invalid (the invalid share is invalid / totalRecords). */
  readonly totalRecords: number;
}

export interface ObserverStats extends WindowStoreStats {
  readonly incidents: number;
  /** Upper bound on `windows` (+1 for the window being filled). */
  readonly retainWindows: number;
}

/** Windows are kept for two days of event time, so a tickets file read after a day of events still lines up. */
export const RETAIN_MS = 48 * 60 * 60_000;
const MAX_RETAIN_WINDOWS = 2000;
const BASELINE_WINDOWS = 12;
const MIN_BASELINE_WINDOWS = 3;
const TICKETS_WITHOUT_ERRORS_MIN = 2;
const SNAPSHOT_VERSION = 1;

const GROUP_PRECEDENCE: Readonly<Record<Group['kind'], number>> = { platform: 0, cross: 1, merchant: 2, tickets: 3 };

/**
 * The Observe stage after ingestion: windowed aggregates → detectors → incidents.
 *
 * `add()` only updates aggregates (a few Map lookups per record). `evaluate()` re-runs the detectors on the windows
 * that changed, routes anomalies to incidents by group (failure pattern × scope), lets incidents claim the records
 * around their anomalies (± one window), and absorbs what those records added. Everything is a function of event
 * time and input order, never of wall-clock time, so a replay yields the same incidents.
 *
 * Cells (window × signature × merchant) belong to at most one incident, for good: the first incident that claims
 * a cell keeps it, so evidence is never counted twice and an incident never loses what it showed before.
 */
export class Observer {
  private readonly settings: DetectorSettings;
  private readonly view: ViewSettings;
  private readonly incidents: IncidentState[] = [];
  private readonly byGroup = new Map<string, IncidentState>();
  /** Per evaluated window: anomaly key → incident number (re-evaluating the window replaces them). */
  private readonly anomaliesAt = new Map<number, Map<string, number>>();
  /** Per window: incidents with an anomaly within one window of it, i.e. allowed to claim its cells. */
  private readonly claimIndex = new Map<number, Set<number>>();
  private ticketSourceSeen = false;
  private lastHorizon = Number.NEGATIVE_INFINITY;

  private store: WindowStore;

  constructor(config: CosmosConfig) {
    const o = config.observe;
    this.store = new WindowStore(o.windowMs, retainWindowsFor(config));
    const ticketSpanWindows = Math.max(1, Math.ceil(o.quietAfterMs / o.windowMs));
    this.settings = {
      windowMs: o.windowMs,
      repeatThreshold: o.repeatThreshold,
      multiMerchant: o.multiMerchant,
      platformMerchants: o.platformMerchants,
      spikeZ: o.spikeZ,
      ticketSurge: o.ticketSurge,
      ticketSpanWindows,
      baselineWindows: BASELINE_WINDOWS,
      minBaselineWindows: MIN_BASELINE_WINDOWS,
      ticketsWithoutErrorsMin: TICKETS_WITHOUT_ERRORS_MIN,
    };
    this.view = {
      multiMerchant: o.multiMerchant,
      platformMerchants: o.platformMerchants,
      quietAfterMs: o.quietAfterMs,
      evidenceSample: o.evidenceSample,
    };
  }

  /**
   * Takes in a batch of normalised records, in any order within the batch. Records whose window is older than the
   * retention horizon (RETAIN_MS behind the newest record of earlier batches) are counted in `stats().lateRecords`
   * and skipped: feed sources merged by time, or in one batch, when their time ranges are long.
   */
  add(records: readonly SignalRecord[]): void {
    this.store.add(records);
    const horizon = this.store.horizon();
    if (horizon !== this.lastHorizon) {
      this.lastHorizon = horizon;
      const expired = this.store.expiredWindows();
      if (expired.length > 0) {
        // Settle what the expiring windows show before their aggregates are forgotten.
        this.process();
        for (const w of expired) this.store.drop(w);
        for (const w of this.anomaliesAt.keys()) if (w < horizon) this.anomaliesAt.delete(w);
        for (const w of this.claimIndex.keys()) if (w < horizon) this.claimIndex.delete(w);
      }
    }
  }

  /**
   * Tells the observer which sources exist before their records arrive. A tickets source, even an empty one, makes
   * a merchant's silence meaningful (silent_failure): windows settled while a long backlog is still being added
   * must know that as well as windows evaluated later, so call this after discovery, before add().
   */
  noteSources(sources: readonly SourceSummary[]): void {
    if (sources.some((s) => s.kind === 'tickets')) this.ticketSourceSeen = true;
  }

  /** All incidents known so far (open and quiet), by id number. */
  evaluate(ctx: ObservationContext): ObservedIncident[] {
    this.noteSources(ctx.sources);
    this.process();
    const latestTs = Number.isFinite(this.store.latestTs) ? this.store.latestTs : 0;
    const viewCtx = {
      hasEventSource: this.store.eventRecords > 0 || ctx.sources.some((s) => s.kind === 'events'),
      hasTicketSource: this.hasTicketSource(),
      invalid: ctx.invalid,
      totalRecords: ctx.totalRecords,
      latestTs,
      quietAfterMs: this.view.quietAfterMs,
    };
    return this.incidents.filter((i) => i.anomalies.size > 0).map((i) => viewIncident(i, this.view, viewCtx));
  }

  stats(): ObserverStats {
    return { ...this.store.stats(), incidents: this.incidents.length, retainWindows: this.store.retainWindows };
  }

  private hasTicketSource(): boolean {
    return this.ticketSourceSeen || this.store.ticketRecords > 0;
  }

  private process(): void {
    if (!this.store.hasDirty()) return;
    const W = this.settings.windowMs;
    const dirty = this.expand(this.store.takeDirty());
    const totals = new MerchantTotals(this.store);
    const affected = new Set<number>(dirty);

    // Late records in windows next to known anomalies go to those incidents first.
    this.claim(dirty);

    // Re-evaluated windows start without anomalies; route() records what still holds. Most windows of a long
    // history never had one: no empty maps for them.
    const previous = new Map<number, Map<string, number>>();
    for (const w of dirty) {
      const old = this.anomaliesAt.get(w);
      if (old === undefined) continue;
      previous.set(w, old);
      this.anomaliesAt.delete(w);
    }
    // Windows in time order, so incident ids follow first detection. A window's tickets are looked at once the
    // events of the window after it are routed: a ticket surge next to an error burst then joins the burst's incident.
    const toClaim = new Set<number>();
    const flush = (): void => {
      this.claim(sorted(toClaim));
      toClaim.clear();
    };
    let t = 0;
    const ticketsUpTo = (limit: number): void => {
      for (; t < dirty.length && (dirty[t] as number) <= limit; t++) {
        this.route(detectTicketWindow(this.store, dirty[t] as number, this.settings, totals), previous, affected, toClaim, W);
        flush();
      }
    };
    for (const w of dirty) {
      this.route(detectEventWindow(this.store, w, this.settings, totals, this.hasTicketSource()), previous, affected, toClaim, W);
      flush();
      ticketsUpTo(w - W);
    }
    ticketsUpTo(Number.POSITIVE_INFINITY);

    // Anomalies that no longer hold (e.g. a "silent" failure whose tickets arrived) are withdrawn, unless the
    // incident would be left without any: an incident once shown is never emptied.
    for (const [w, old] of previous) {
      const now = this.anomaliesAt.get(w);
      for (const [key, num] of old) {
        if (now?.has(key)) continue;
        const inc = this.incidents[num - 1];
        if (inc && inc.anomalies.size > 1) inc.anomalies.delete(key);
      }
    }

    for (const w of sorted(affected)) this.absorb(w);
  }

  /** Dirty windows plus those whose detectors read them (neighbours, and the ticket span after them). */
  private expand(dirty: readonly number[]): number[] {
    const W = this.settings.windowMs;
    const after = this.settings.ticketSpanWindows * W;
    const out: number[] = [];
    // `dirty` is sorted: the ranges [d - W, d + after] overlap in order, so each window is looked at once and the
    // result comes out sorted and distinct (no Set, no sort: a long backlog has thousands of dirty windows a batch).
    let next = Number.NEGATIVE_INFINITY;
    for (const d of dirty) {
      for (let v = Math.max(d - W, next); v <= d + after; v += W) if (this.store.windows.has(v)) out.push(v);
      next = Math.max(next, d + after + W);
    }
    return out;
  }

  private route(
    cands: readonly Candidate[],
    previous: Map<number, Map<string, number>>,
    affected: Set<number>,
    toClaim: Set<number>,
    W: number,
  ): void {
    const resolved = new Map<string, IncidentState>();
    for (const c of cands) {
      let inc: IncidentState | undefined;
      const prev = previous.get(c.at)?.get(c.key);
      if (prev !== undefined) inc = this.incidents[prev - 1];
      else if (!c.trigger) inc = resolved.get(c.group.id);
      else if (resolved.has(c.group.id)) inc = resolved.get(c.group.id);
      // Records already claimed by an incident (e.g. the ramp-up of a platform regression claimed by the window
      // next to it) take their anomalies there: one failure, one incident.
      else inc = (c.cells && this.ownerOf(c.cells)) || this.incidentFor(c.group);
      if (!inc) continue;
      if (c.trigger && !resolved.has(c.group.id)) resolved.set(c.group.id, inc);
      inc.setAnomaly(c.key, { at: c.at, anomaly: c.anomaly });
      let at = this.anomaliesAt.get(c.at);
      if (!at) this.anomaliesAt.set(c.at, (at = new Map()));
      at.set(c.key, inc.num);
      for (let v = c.anomaly.windowStart - W; v <= c.anomaly.windowEnd; v += W) {
        let set = this.claimIndex.get(v);
        if (!set) this.claimIndex.set(v, (set = new Set()));
        set.add(inc.num);
        if (this.store.windows.has(v)) {
          affected.add(v);
          toClaim.add(v);
        }
      }
    }
  }

  /** The incident owning most of the cells' weight, if owned cells outweigh unowned ones. */
  private ownerOf(cells: readonly Cell[]): IncidentState | undefined {
    const weights = new Map<number, number>();
    for (const c of cells) weights.set(c.owner, (weights.get(c.owner) ?? 0) + c.weight);
    let best = 0;
    let bestWeight = -1;
    for (const [owner, weight] of [...weights].sort((a, b) => a[0] - b[0])) {
      if (weight > bestWeight || (weight === bestWeight && best === 0)) {
        best = owner;
        bestWeight = weight;
      }
    }
    return best === 0 ? undefined : this.incidents[best - 1];
  }

  private incidentFor(group: Group): IncidentState {
    let inc = this.byGroup.get(group.id);
    if (!inc) {
      inc = new IncidentState(this.incidents.length + 1, group);
      this.incidents.push(inc);
      this.byGroup.set(group.id, inc);
    }
    return inc;
  }

  /** Unowned cells of each window go to the first matching incident allowed there (strict family match first). */
  private claim(windows: readonly number[]): void {
    for (const v of windows) {
      const nums = this.claimIndex.get(v);
      const win = this.store.windows.get(v);
      if (!nums || !win) continue;
      const cands = [...nums]
        .map((n) => this.incidents[n - 1] as IncidentState)
        .sort((a, b) => GROUP_PRECEDENCE[a.group.kind] - GROUP_PRECEDENCE[b.group.kind] || a.num - b.num);
      for (const sw of win.sigs.values()) {
        for (const cell of sw.cells.values()) {
          if (cell.owner !== 0) continue;
          let owner = cands.find((i) => matches(i, sw.sig, cell.merchant, false));
          if (!owner && sw.sig.kind === 'ticket') owner = cands.find((i) => matches(i, sw.sig, cell.merchant, true));
          if (owner) cell.owner = owner.num;
        }
      }
    }
  }

  private absorb(w: number): void {
    const win = this.store.windows.get(w);
    if (!win) return;
    for (const sw of win.sigs.values()) {
      for (const cell of sw.cells.values()) {
        if (cell.owner === 0 || cell.n === cell.absorbedN) continue;
        this.incidents[cell.owner - 1]?.absorb(cell, sw.sig, this.view.quietAfterMs, this.view.evidenceSample);
      }
    }
  }

  /** JSON-serialisable state; `Observer.restore(config, snapshot)` continues exactly where this one is. */
  snapshot(): ObserverSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      store: this.store.snapshot(),
      incidents: this.incidents.map((i) => i.snapshot()),
      anomaliesAt: [...this.anomaliesAt].map(([w, m]) => [w, [...m]]),
      claimIndex: [...this.claimIndex].map(([w, s]) => [w, [...s]]),
      ticketSourceSeen: this.ticketSourceSeen,
      lastHorizon: Number.isFinite(this.lastHorizon) ? this.lastHorizon : null,
    };
  }

  static restore(config: CosmosConfig, state: unknown): Observer {
    const s = state as Partial<ObserverSnapshot> | null;
    if (!s || typeof s !== 'object' || s.version !== SNAPSHOT_VERSION || !s.store || !Array.isArray(s.incidents)) {
      throw new Error(`Observer snapshot is not a version ${SNAPSHOT_VERSION} observer state`);
    }
    if (s.store.windowMs !== config.observe.windowMs) {
      throw new Error(
        `Observer snapshot was taken with observe.windowMs = ${s.store.windowMs}, the configuration now says ${config.observe.windowMs}: re-read the sources instead`,
      );
    }
    const obs = new Observer(config);
    obs.store = WindowStore.restore(s.store);
    for (const snap of s.incidents) {
      const inc = IncidentState.restore(snap);
      obs.incidents.push(inc);
      obs.byGroup.set(inc.group.id, inc);
    }
    for (const [w, entries] of s.anomaliesAt ?? []) obs.anomaliesAt.set(w, new Map(entries));
    for (const [w, nums] of s.claimIndex ?? []) obs.claimIndex.set(w, new Set(nums));
    obs.ticketSourceSeen = s.ticketSourceSeen === true;
    obs.lastHorizon = s.lastHorizon ?? Number.NEGATIVE_INFINITY;
    return obs;
  }
}

export interface ObserverSnapshot {
  version: number;
  store: WindowStoreSnapshot;
  incidents: IncidentSnapshot[];
  anomaliesAt: [number, [string, number][]][];
  claimIndex: [number, number[]][];
  ticketSourceSeen: boolean;
  lastHorizon: number | null;
}

function retainWindowsFor(config: CosmosConfig): number {
  const o = config.observe;
  const needed = BASELINE_WINDOWS + Math.ceil(o.quietAfterMs / o.windowMs) + 3;
  return Math.min(MAX_RETAIN_WINDOWS, Math.max(needed, Math.ceil(RETAIN_MS / o.windowMs)));
}

function sorted(xs: Iterable<number>): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Ticket issue families an event family's incident takes in; `general` complaints relate to everything. */
function relates(ticketFamily: string, incidentFamily: string): boolean {
  return ticketFamily === incidentFamily || ticketFamily === 'general';
}

/**
 * May this incident claim this cell? `loose` is the second pass for tickets: any failure report (not a how-to
 * question nor a feature request) from a merchant of the incident joins it when no incident of its own family is there.
 */
function matches(inc: IncidentState, sig: Signature, merchant: string, loose: boolean): boolean {
  const g = inc.group;
  if (sig.kind === 'event') {
    if (!sig.error) return false;
    switch (g.kind) {
      case 'merchant':
        return merchant === g.merchant && sig.family === g.family;
      case 'cross':
        return sig.family === g.family && (inc.fireSigs.has(sig.key) || inc.scopeMerchants.has(merchant));
      case 'platform':
        return inc.fireSigs.has(sig.key) || inc.scopeMerchants.has(merchant);
      case 'tickets':
        return false;
    }
  }
  switch (g.kind) {
    case 'tickets':
      return sig.code === g.issue;
    case 'merchant':
      if (merchant !== g.merchant) return false;
      return loose ? isFailureReport(sig.family) : relates(sig.family, g.family);
    case 'cross':
      if (!inc.scopeMerchants.has(merchant)) return false;
      return loose ? isFailureReport(sig.family) : relates(sig.family, g.family);
    case 'platform':
      return inc.scopeMerchants.has(merchant) && isFailureReport(sig.family);
  }
}
