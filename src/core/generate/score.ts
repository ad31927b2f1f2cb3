import { CAUSES, type ActionType, type Cause, type Decision, type Scope } from '../report/schema';
import type { ExpectedIncident } from './generate';

/** What the loop reported, as far as scoring needs it (an Incident fits). */
export interface ReportedIncident {
  readonly cause?: Cause;
  readonly merchants: readonly string[];
  readonly scope: Scope;
  readonly firstSeen?: number;
  readonly lastSeen?: number;
  /** Ambiguous incidents are the ones handed to the LLM. */
  readonly ambiguity?: { readonly ambiguous: boolean };
  readonly decision?: Pick<Decision, 'actions'>;
  /**
   * Action types that ran (or in a dry run would run) without approval. When absent, the decision's
   * actions with status `executed` are taken.
   */
  readonly autoExecuted?: readonly ActionType[];
}

export type ExpectedLike = Pick<ExpectedIncident, 'cause' | 'merchants' | 'scope'> &
  Partial<Pick<ExpectedIncident, 'firstSeen' | 'lastSeen' | 'label'>>;

export interface CauseScore {
  readonly expected: number;
  readonly reported: number;
  /** Reported with this cause whose true cause is this cause. */
  readonly correct: number;
  /** null when nothing was reported with this cause. */
  readonly precision: number | null;
  /** null when nothing with this cause was expected. */
  readonly recall: number | null;
}

export interface ExpectedMatch {
  readonly expected: ExpectedLike;
  /** Index into the reported list, or null when no reported incident shares a merchant. */
  readonly reported: number | null;
  readonly reportedCause: Cause | null;
  readonly correct: boolean;
  /** Jaccard overlap of the merchant sets. */
  readonly overlap: number;
}

export interface EvalScore {
  readonly expected: number;
  readonly reported: number;
  /**
   * Share of expected incidents whose best-overlapping reported incident names the same cause.
   * With nothing expected (a healthy scenario): the share of reported incidents that claim no
   * problem (normal_operation or unknown), 1 when nothing was reported.
   */
  readonly top1Accuracy: number;
  readonly perCause: Readonly<Partial<Record<Cause, CauseScore>>>;
  /** Reported incidents that were ambiguous (sent to the LLM when one is available). */
  readonly llmSent: number;
  readonly llmShare: number;
  /**
   * Automatically executed actions on incidents whose true cause differs from the reported one.
   * `monitor` is not counted: it only records a note in the journal and reaches nobody.
   */
  readonly wrongAutoActions: number;
  readonly wrongAutoDetails: readonly string[];
  /** Reported incidents that overlap no expected incident yet claim a problem. */
  readonly falseAlarms: number;
  readonly matches: readonly ExpectedMatch[];
}

/** Causes that claim nothing is wrong, or that nothing can be said: not a false alarm. */
const NO_CLAIM: ReadonlySet<Cause> = new Set(['normal_operation', 'unknown']);

/**
 * Scores a diagnosis against ground truth (expected.json). Each expected incident is matched to the
 * reported incident with the best merchant overlap (time overlap breaks ties); each reported incident's
 * true cause is that of its best-overlapping expected incident, or normal_operation when it overlaps none.
 */
export function scoreDiagnosis(expected: readonly ExpectedLike[], reported: readonly ReportedIncident[]): EvalScore {
  const matches: ExpectedMatch[] = expected.map((e) => {
    const best = bestMatch(e, reported);
    const r = best ? reported[best.index] : undefined;
    const reportedCause = r ? (r.cause ?? 'unknown') : null;
    return {
      expected: e,
      reported: best ? best.index : null,
      reportedCause,
      correct: reportedCause === e.cause,
      overlap: best ? best.overlap : 0,
    };
  });

  const trueCauses: Cause[] = reported.map((r) => {
    const best = bestMatch(r, expected);
    return best ? expected[best.index]!.cause : 'normal_operation';
  });

  const perCause: Partial<Record<Cause, CauseScore>> = {};
  for (const cause of CAUSES) {
    const exp = expected.filter((e) => e.cause === cause).length;
    const rep = reported.filter((r) => (r.cause ?? 'unknown') === cause).length;
    if (exp === 0 && rep === 0) continue;
    const correct = reported.filter((r, i) => (r.cause ?? 'unknown') === cause && trueCauses[i] === cause).length;
    const recalled = matches.filter((m) => m.expected.cause === cause && m.correct).length;
    perCause[cause] = {
      expected: exp,
      reported: rep,
      correct,
      precision: rep > 0 ? correct / rep : null,
      recall: exp > 0 ? recalled / exp : null,
    };
  }

  const wrongAutoDetails: string[] = [];
  reported.forEach((r, i) => {
    const cause = r.cause ?? 'unknown';
    if (cause === trueCauses[i]) return;
    const auto = r.autoExecuted ?? (r.decision?.actions ?? []).filter((a) => a.status === 'executed').map((a) => a.type);
    for (const type of auto) {
      if (type === 'monitor') continue;
      wrongAutoDetails.push(`${type} ran for incident #${i} (${r.merchants.join(', ')}): reported ${cause}, true cause ${trueCauses[i]}`);
    }
  });

  const falseAlarms = reported.filter((r) => bestMatch(r, expected) === undefined && !NO_CLAIM.has(r.cause ?? 'unknown')).length;
  const top1Accuracy =
    expected.length > 0
      ? matches.filter((m) => m.correct).length / expected.length
      : reported.length === 0
        ? 1
        : reported.filter((r) => NO_CLAIM.has(r.cause ?? 'unknown')).length / reported.length;
  const llmSent = reported.filter((r) => r.ambiguity?.ambiguous).length;
  return {
    expected: expected.length,
    reported: reported.length,
    top1Accuracy,
    perCause,
    llmSent,
    llmShare: reported.length > 0 ? llmSent / reported.length : 0,
    wrongAutoActions: wrongAutoDetails.length,
    wrongAutoDetails,
    falseAlarms,
    matches,
  };
}

interface Window {
  readonly merchants: readonly string[];
  readonly firstSeen?: number;
  readonly lastSeen?: number;
}

function bestMatch(target: Window, candidates: readonly Window[]): { index: number; overlap: number } | undefined {
  let best: { index: number; overlap: number; score: number } | undefined;
  candidates.forEach((c, index) => {
    const overlap = jaccard(target.merchants, c.merchants);
    if (overlap === 0) return;
    const score = overlap + (timesOverlap(target, c) ? 1 : 0);
    if (!best || score > best.score) best = { index, overlap, score };
  });
  return best && { index: best.index, overlap: best.overlap };
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const union = sa.size + sb.size - inter;
  return union === 0 ? 0 : inter / union;
}

/** Unknown times overlap nothing and everything alike: they neither help nor hurt a match. */
function timesOverlap(a: Window, b: Window): boolean {
  if (a.firstSeen === undefined || a.lastSeen === undefined || b.firstSeen === undefined || b.lastSeen === undefined) return false;
  return a.firstSeen <= b.lastSeen && b.firstSeen <= a.lastSeen;
}
