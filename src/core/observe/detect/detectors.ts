import type { Anomaly } from '../../report/schema';
import { crossGroup, merchantGroup, PLATFORM_GROUP, ticketGroup, type Group } from './groups';
import { fmtDuration, fmtList, fmtNumber, fmtTime, fmtWindow, naturalCompare, plural } from './format';
import type { Cell, SigWindow, Signature, WindowStore } from './window-store';

/**
 * The detectors. Each looks at one window of aggregates and yields candidate anomalies with the numbers that made
 * it fire (baseline, observed, threshold, window) and a sentence an engineer can check against the data.
 * Candidates also carry the group (failure pattern × scope) they belong to; the Observer turns groups into incidents.
 *
 * Triggers (threshold, spike, spread, ticket_surge, tickets_without_errors) can open an incident. Qualifiers
 * (new_code, silent_failure) only annotate an incident that something else opened: a single never-seen error or a
 * quiet merchant is not worth an engineer's attention on its own.
 */

export interface DetectorSettings {
  readonly windowMs: number;
  readonly repeatThreshold: number;
  readonly multiMerchant: number;
  readonly platformMerchants: number;
  readonly spikeZ: number;
  readonly ticketSurge: number;
  /** Tickets trickle in over hours: tickets_without_errors counts over this many windows. */
  readonly ticketSpanWindows: number;
  /** Windows of history a baseline is computed over, and the fewest that make a baseline. */
  readonly baselineWindows: number;
  readonly minBaselineWindows: number;
  /** Tickets without errors (of one issue, within the ticket span) that make an incident. */
  readonly ticketsWithoutErrorsMin: number;
}

export interface Candidate {
  /** Unique among the candidates of one evaluation: detector|signature|window|group. */
  readonly key: string;
  /** Window whose evaluation produced it (re-evaluating the window replaces it). */
  readonly at: number;
  readonly group: Group;
  readonly anomaly: Anomaly;
  readonly trigger: boolean;
  /** Ticket candidates: the cells behind it; an incident already owning them takes the anomaly. */
  readonly cells?: readonly Cell[];
}

/** Per-window, per-merchant error and ticket totals, computed once per evaluation and shared by the detectors. */
export class MerchantTotals {
  private readonly memo = new Map<number, { errors: Map<string, number>; tickets: Map<string, number> }>();

  constructor(private readonly store: WindowStore) {}

  private of(w: number): { errors: Map<string, number>; tickets: Map<string, number> } {
    let m = this.memo.get(w);
    if (m) return m;
    m = { errors: new Map(), tickets: new Map() };
    const win = this.store.windows.get(w);
    if (win) {
      for (const sw of win.sigs.values()) {
        const target = sw.sig.kind === 'ticket' ? m.tickets : sw.sig.error ? m.errors : undefined;
        if (!target) continue;
        for (const c of sw.cells.values()) target.set(c.merchant, (target.get(c.merchant) ?? 0) + c.weight);
      }
    }
    this.memo.set(w, m);
    return m;
  }

  /** Error events of the merchant in window w and its two neighbours. */
  errorsNear(merchant: string, w: number): number {
    const W = this.store.windowMs;
    return (this.of(w - W).errors.get(merchant) ?? 0) + (this.of(w).errors.get(merchant) ?? 0) + (this.of(w + W).errors.get(merchant) ?? 0);
  }

  ticketsNear(merchant: string, w: number): number {
    const W = this.store.windowMs;
    return (this.of(w - W).tickets.get(merchant) ?? 0) + (this.of(w).tickets.get(merchant) ?? 0) + (this.of(w + W).tickets.get(merchant) ?? 0);
  }
}

interface History {
  readonly slots: number;
  readonly mean: number;
  readonly sd: number;
  readonly meanMerchants: number;
}

/**
 * Mean and standard deviation of the signature's count over the windows before w (missing windows count 0), back to
 * the start of the data or the last window forgotten, whichever is later. Never cut by the current horizon: a whole
 * history read in one batch must see the same baselines as the same history read a slice at a time.
 */
function historyOf(store: WindowStore, sig: Signature, w: number, s: DetectorSettings): History | null {
  const W = s.windowMs;
  const first = store.windowStart(store.firstTs);
  const forgotten = store.droppedThrough;
  let slots = 0;
  let sum = 0;
  let sumSq = 0;
  let merchants = 0;
  for (let j = 1; j <= s.baselineWindows; j++) {
    const v = w - j * W;
    if (v < first || v <= forgotten) break;
    const sw = store.windows.get(v)?.sigs.get(sig);
    const x = sw?.total ?? 0;
    slots++;
    sum += x;
    sumSq += x * x;
    merchants += sw?.cells.size ?? 0;
  }
  if (slots < s.minBaselineWindows) return null;
  const mean = sum / slots;
  const variance = Math.max(0, sumSq / slots - mean * mean);
  return { slots, mean, sd: Math.sqrt(variance), meanMerchants: merchants / slots };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** How far a count stands above the baseline, in standard deviations (at least √mean, as for Poisson counts, and 1). */
function spikeZ(count: number, h: History): number {
  return (count - h.mean) / Math.max(h.sd, Math.sqrt(h.mean), 1);
}

function sortedCells(sw: SigWindow): Cell[] {
  return [...sw.cells.values()].sort((a, b) => naturalCompare(a.merchant, b.merchant));
}

function hasTickets(store: WindowStore, w: number): boolean {
  const win = store.windows.get(w);
  if (win) for (const sw of win.sigs.values()) if (sw.sig.kind === 'ticket') return true;
  return false;
}

function sortedTicketSigs(store: WindowStore, w: number): SigWindow[] {
  const win = store.windows.get(w);
  if (!win) return [];
  const out: SigWindow[] = [];
  for (const sw of win.sigs.values()) if (sw.sig.kind === 'ticket') out.push(sw);
  return out.sort((a, b) => (a.sig.key < b.sig.key ? -1 : a.sig.key > b.sig.key ? 1 : 0));
}

function anomaly(
  detector: Anomaly['detector'],
  sig: Signature,
  merchants: readonly string[],
  baseline: number | null,
  observed: number,
  threshold: number,
  windowStart: number,
  windowEnd: number,
  explanation: string,
): Anomaly {
  return {
    detector,
    signature: sig.key,
    merchants: [...merchants],
    baseline: baseline === null ? null : round2(baseline),
    observed: round2(observed),
    threshold: round2(threshold),
    windowStart,
    windowEnd,
    explanation,
  };
}

interface SigFindings {
  readonly sw: SigWindow;
  readonly cells: Cell[];
  /** Merchants with enough occurrences to count towards spread. */
  readonly spreadCells: Cell[];
  readonly over: Cell[];
  readonly threshold: number;
  readonly spike: { history: History; z: number } | null;
  readonly spread: boolean;
  readonly newCode: boolean;
}

function examineEventSig(store: WindowStore, sw: SigWindow, w: number, s: DetectorSettings): SigFindings {
  const sig = sw.sig;
  const cells = sortedCells(sw);
  const threshold = sig.checkout ? 1 : s.repeatThreshold;
  const over = cells.filter((c) => c.weight >= threshold);
  const history = historyOf(store, sig, w, s);
  let spike: SigFindings['spike'] = null;
  if (history && sw.total >= s.repeatThreshold) {
    const z = spikeZ(sw.total, history);
    if (z >= s.spikeZ) spike = { history, z };
  }
  // A merchant counts towards spread with at least two occurrences (one for failed checkouts): one stray error
  // at each of several merchants is background noise, not a shared failure.
  const perMerchant = Math.min(2, threshold);
  const spreadCells = cells.filter((c) => c.weight >= perMerchant);
  const spread = spreadCells.length >= s.multiMerchant && sw.total >= threshold;
  const newCode = isNewCode(store, sig.code, w, s);
  return { sw, cells, spreadCells, over, threshold, spike, spread, newCode };
}

/** A code first seen in window w, at least one full window after the data began. */
function isNewCode(store: WindowStore, code: string, w: number, s: DetectorSettings): boolean {
  const firstSeen = store.codeFirstSeen(code);
  return firstSeen >= w && firstSeen < w + s.windowMs && firstSeen - store.firstEventTs >= s.windowMs;
}

/**
 * Event detectors for window w. Scope: a signature seen at ≥ multiMerchant merchants in the window (with enough
 * occurrences) is cross-merchant and all its anomalies go to the family's cross-merchant incident; when two or more
 * families are cross-merchant in the same window and together reach platformMerchants merchants, they all go to
 * one platform-regression incident. Everything else is merchant-scoped: one incident per merchant and family.
 */
export function detectEventWindow(
  store: WindowStore,
  w: number,
  s: DetectorSettings,
  totals: MerchantTotals,
  ticketSourceKnown: boolean,
): readonly Candidate[] {
  const win = store.windows.get(w);
  if (win === undefined) return NO_CANDIDATES;
  let findings: SigFindings[] | undefined;
  for (const sw of win.sigs.values()) {
    if (sw.sig.kind !== 'event' || !sw.sig.error) continue;
    // Below every opening threshold and not a new code, a signature can neither open nor annotate anything:
    // skip sorting its cells and reading its history (most windows of a long, quiet history are like this).
    if (sw.total < (sw.sig.checkout ? 1 : s.repeatThreshold) && !isNewCode(store, sw.sig.code, w, s)) continue;
    (findings ??= []).push(examineEventSig(store, sw, w, s));
  }
  // Nothing to report: return before building the closures below, so a quiet window costs one pass over its
  // signatures and no allocation.
  if (findings === undefined) return NO_CANDIDATES;
  findings.sort((a, b) => (a.sw.sig.key < b.sw.sig.key ? -1 : a.sw.sig.key > b.sw.sig.key ? 1 : 0));
  return eventCandidates(store, w, s, totals, ticketSourceKnown, findings);
}

/** Shared by every quiet window; callers only read candidate lists. */
const NO_CANDIDATES: readonly Candidate[] = Object.freeze([]);

function eventCandidates(
  store: WindowStore,
  w: number,
  s: DetectorSettings,
  totals: MerchantTotals,
  ticketSourceKnown: boolean,
  findings: readonly SigFindings[],
): Candidate[] {
  const W = s.windowMs;
  const end = w + W;
  // Formatted only when an anomaly is written.
  let spanText: string | undefined;
  const spanOf = (): string => (spanText ??= fmtWindow(w, end));

  const crossing = findings.filter((f) => f.spread);
  const crossMerchants = new Set<string>();
  const crossFamilies = new Set<string>();
  for (const f of crossing) {
    crossFamilies.add(f.sw.sig.family);
    for (const c of f.spreadCells) crossMerchants.add(c.merchant);
  }
  const regression = crossFamilies.size >= 2 && crossMerchants.size >= s.platformMerchants;

  const out: Candidate[] = [];
  const push = (group: Group, a: Anomaly, trigger: boolean, cells?: readonly Cell[]): void => {
    const key = `${a.detector}|${a.signature}|${w}|${group.id}`;
    out.push(cells ? { key, at: w, group, anomaly: a, trigger, cells } : { key, at: w, group, anomaly: a, trigger });
  };
  /** Per group: merchants and signatures that triggered it in this window (for silent_failure). */
  const triggered = new Map<string, { group: Group; merchants: Set<string>; sigs: SigFindings[] }>();
  const note = (group: Group, f: SigFindings, merchants: Iterable<string>): void => {
    let t = triggered.get(group.id);
    if (!t) triggered.set(group.id, (t = { group, merchants: new Set(), sigs: [] }));
    for (const m of merchants) t.merchants.add(m);
    if (!t.sigs.includes(f)) t.sigs.push(f);
  };

  for (const f of findings) {
    const sig = f.sw.sig;
    const total = f.sw.total;
    const allMerchants = f.cells.map((c) => c.merchant);
    const groups: Group[] = [];
    const spikeText = (): string => {
      const h = (f.spike as { history: History; z: number }).history;
      return (
        `${plural(total, 'occurrence')} of ${sig.key} in ${spanOf()} against a baseline of ${fmtNumber(round2(h.mean))} ± ` +
        `${fmtNumber(round2(h.sd))} per window over the previous ${plural(h.slots, 'window')}: ` +
        `z = ${fmtNumber(round2((f.spike as { z: number }).z))} ≥ ${fmtNumber(s.spikeZ)}`
      );
    };

    if (f.spread) {
      const group = regression ? PLATFORM_GROUP : crossGroup(sig.family);
      const n = f.spreadCells.length;
      const spreadMerchants = f.spreadCells.map((c) => c.merchant);
      const platform = n >= s.platformMerchants;
      const h = historyOf(store, sig, w, s);
      push(
        group,
        anomaly('spread', sig, spreadMerchants, h ? h.meanMerchants : null, n, platform ? s.platformMerchants : s.multiMerchant, w, end,
          `${sig.key} at ${plural(n, 'merchant')} (${fmtList(spreadMerchants)}) in ${spanOf()}, ${plural(total, 'occurrence')}: ` +
            (platform
              ? `platform-wide (≥ ${s.platformMerchants} merchants)`
              : `multi-merchant (≥ ${s.multiMerchant}, platform-wide from ${s.platformMerchants})`) +
            (h ? `; usually ${fmtNumber(round2(h.meanMerchants))} merchants per window` : '') +
            (regression ? `; ${crossFamilies.size} failure families hit ${crossMerchants.size} merchants at once: platform regression` : '')),
        true,
        f.cells,
      );
      if (f.over.length > 0) {
        const max = f.over.reduce((a, c) => (c.weight > a.weight ? c : a));
        push(
          group,
          anomaly('threshold', sig, f.over.map((c) => c.merchant), null, max.weight, f.threshold, w, end,
            sig.checkout
              ? `failed checkouts (${sig.key}) at ${plural(f.over.length, 'merchant')} in ${spanOf()}, up to ${fmtNumber(max.weight)} at ${max.merchant}: any failed checkout is anomalous (threshold 1)`
              : `${sig.key} repeated ≥ ${fmtNumber(f.threshold)} times at ${plural(f.over.length, 'merchant')} in ${spanOf()}, up to ${fmtNumber(max.weight)} at ${max.merchant}`),
          true,
          f.over,
        );
      }
      if (f.spike) {
        push(group, anomaly('spike', sig, allMerchants, f.spike.history.mean, total, s.spikeZ, w, end, spikeText()), true, f.cells);
      }
      groups.push(group);
      note(group, f, allMerchants);
    } else {
      for (const c of f.over) {
        const group = merchantGroup(c.merchant, sig.family);
        push(
          group,
          anomaly('threshold', sig, [c.merchant], null, c.weight, f.threshold, w, end,
            sig.checkout
              ? `${plural(c.weight, 'failed checkout')} (${sig.key}) at ${c.merchant} in ${spanOf()}: any failed checkout is anomalous (threshold 1)`
              : `${fmtNumber(c.weight)} × ${sig.key} at ${c.merchant} in ${spanOf()}: ≥ ${fmtNumber(f.threshold)} repeats of one error type`),
          true,
          [c],
        );
        groups.push(group);
        note(group, f, [c.merchant]);
      }
      if (f.spike) {
        // Not spread, so the spike belongs to the merchants it is concentrated at: those whose own count alone is a
        // spike against the signature's usual total. A jump made of one stray error at each of five merchants is
        // background noise (over a long history it happens every few days by chance), not five merchant incidents.
        const h = f.spike.history;
        for (const c of f.cells) {
          const zc = spikeZ(c.weight, h);
          if (zc < s.spikeZ) continue;
          const group = merchantGroup(c.merchant, sig.family);
          push(
            group,
            anomaly('spike', sig, allMerchants, h.mean, total, s.spikeZ, w, end,
              `${spikeText()}; ${fmtNumber(c.weight)} at ${c.merchant} alone (z = ${fmtNumber(round2(zc))})`),
            true,
            [c],
          );
          if (!groups.some((g) => g.id === group.id)) groups.push(group);
          note(group, f, [c.merchant]);
        }
      }
    }

    if (f.newCode && groups.length > 0) {
      const firstSeen = store.codeFirstSeen(sig.code);
      for (const group of groups) {
        push(
          group,
          anomaly('new_code', sig, allMerchants, null, total, 0, w, end,
            `error code ${sig.code} was never seen before ${fmtTime(firstSeen)} in ${fmtDuration(firstSeen - store.firstEventTs)} of earlier data; ` +
              `${plural(total, 'occurrence')} in ${spanOf()}`),
          false,
        );
      }
    }
  }

  if (ticketSourceKnown) {
    for (const t of triggered.values()) {
      const merchants = [...t.merchants].sort(naturalCompare);
      if (merchants.some((m) => totals.ticketsNear(m, w) > 0)) continue;
      let errors = 0;
      let top = t.sigs[0] as SigFindings;
      for (const f of t.sigs) {
        if (f.sw.total > top.sw.total) top = f;
        for (const c of f.cells) if (t.merchants.has(c.merchant)) errors += c.weight;
      }
      push(
        t.group,
        anomaly('silent_failure', top.sw.sig, merchants, null, errors, 0, w, end,
          `${plural(errors, 'error')} (${t.sigs.map((f) => f.sw.sig.key).join(', ')}) at ${fmtList(merchants)} in ${spanOf()} ` +
            `and no ticket from ${merchants.length === 1 ? 'that merchant' : 'those merchants'} within ±${fmtDuration(W)}: customers may be failing silently`),
        false,
      );
    }
  }
  return out;
}

/** Ticket detectors for window w: surges of one issue, and tickets from merchants with no errors around them. */
export function detectTicketWindow(store: WindowStore, w: number, s: DetectorSettings, totals: MerchantTotals): readonly Candidate[] {
  if (!hasTickets(store, w)) return NO_CANDIDATES;
  const W = s.windowMs;
  const end = w + W;
  const out: Candidate[] = [];
  for (const sw of sortedTicketSigs(store, w)) {
    const sig = sw.sig;
    // Feature requests, billing and account questions are support work, not incidents.
    if (sig.family === 'request') continue;
    const group = ticketGroup(sig.code, sig.family);
    if (sw.total >= s.ticketSurge) {
      const cells = sortedCells(sw);
      const merchants = cells.map((c) => c.merchant);
      const h = historyOf(store, sig, w, s);
      out.push({
        key: `ticket_surge|${sig.key}|${w}`,
        at: w,
        group,
        trigger: true,
        cells,
        anomaly: anomaly('ticket_surge', sig, merchants, h ? h.mean : null, sw.total, s.ticketSurge, w, end,
          `${plural(sw.total, 'ticket')} about ${sig.code} from ${plural(merchants.length, 'merchant')} (${fmtList(merchants)}) ` +
            `in ${fmtWindow(w, end)}: ≥ ${fmtNumber(s.ticketSurge)} is a surge` +
            (h ? ` (usually ${fmtNumber(round2(h.mean))} per window)` : '')),
      });
    }

    // Tickets without errors: count over the ticket span, but only fire in a window that has such a ticket.
    const from = Math.max(w - (s.ticketSpanWindows - 1) * W, store.windowStart(store.firstTs));
    const cells: Cell[] = [];
    const merchants = new Set<string>();
    let count = 0;
    let howTo = 0;
    let here = 0;
    for (let v = from; v <= w; v += W) {
      const x = store.windows.get(v)?.sigs.get(sig);
      if (!x) continue;
      for (const c of sortedCells(x)) {
        if (totals.errorsNear(c.merchant, v) > 0) continue;
        cells.push(c);
        merchants.add(c.merchant);
        count += c.weight;
        howTo += c.howTo;
        if (v === w) here += c.weight;
      }
    }
    if (here > 0 && count >= s.ticketsWithoutErrorsMin) {
      const list = [...merchants].sort(naturalCompare);
      out.push({
        key: `tickets_without_errors|${sig.key}|${w}`,
        at: w,
        group,
        trigger: true,
        cells,
        anomaly: anomaly('tickets_without_errors', sig, list, null, count, s.ticketsWithoutErrorsMin, from, end,
          `${plural(count, 'ticket')} about ${sig.code} from ${plural(list.length, 'merchant')} (${fmtList(list)}) between ` +
            `${fmtTime(from)} and ${fmtTime(end)} with no error events from ${list.length === 1 ? 'that merchant' : 'those merchants'} ` +
            `within ±${fmtDuration(W)} of each ticket` +
            (howTo > 0 ? `; ${fmtNumber(howTo)} read like how-to questions` : '') +
            ` (≥ ${fmtNumber(s.ticketsWithoutErrorsMin)} make an incident)`),
      });
    }
  }
  return out;
}
