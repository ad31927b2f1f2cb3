import type { Summary } from './stats';

/** One measured figure, printed in the benchmark's section and kept in results.json. */
export interface Figure {
  readonly label: string;
  /** A single figure, or the median of a summary. */
  readonly value: number | string;
  readonly unit?: string;
  readonly summary?: Summary;
}

export type CheckStatus = 'pass' | 'fail' | 'tolerated' | 'not measured';

/** A target from issue 7: value `op` limit. */
export interface Check {
  readonly label: string;
  readonly value: number | undefined;
  readonly op: '<=' | '>=' | '==';
  readonly limit: number;
  readonly unit?: string;
  readonly status: CheckStatus;
  /** Why the status is what it is when that is not obvious (tolerance in --quick, not measured, …). */
  readonly note?: string;
}

export interface BenchResult {
  readonly id: string;
  readonly title: string;
  /** What ran, in one or two sentences. */
  readonly ran: string;
  /** Sizes of the inputs. */
  readonly inputs: string;
  readonly figures: Figure[];
  readonly checks: Check[];
  readonly seconds: number;
}

export interface BenchContext {
  readonly quick: boolean;
  /** bench/.tmp: generated data, reused between runs when the inputs are the same. */
  readonly tmp: string;
  /** The repository root. */
  readonly repo: string;
  readonly log: (line: string) => void;
}

export interface Benchmark {
  readonly id: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<Omit<BenchResult, 'id' | 'title' | 'seconds'>>;
}

/**
 * Builds a check. In --quick runs the sizes are small enough that some ratios are dominated by fixed costs or
 * timer noise; such a check gets `quickLimit` (looser) and a miss within it is "tolerated", never a failure, and
 * the output says so. A miss of the quick limit still fails: the code path is broken, not just small.
 */
export function check(
  label: string,
  value: number | undefined,
  op: Check['op'],
  limit: number,
  opts: { unit?: string; quick?: boolean; quickLimit?: number; quickWhy?: string; note?: string } = {},
): Check {
  if (value === undefined || Number.isNaN(value)) {
    return { label, value: undefined, op, limit, unit: opts.unit, status: 'not measured', note: opts.note };
  }
  const holds = (lim: number): boolean => (op === '<=' ? value <= lim : op === '>=' ? value >= lim : value === lim);
  if (holds(limit)) return { label, value, op, limit, unit: opts.unit, status: 'pass', note: opts.note };
  if (opts.quick && opts.quickLimit !== undefined && holds(opts.quickLimit)) {
    const why = `quick run: target ${op} ${fmt(limit)} missed but within the quick tolerance ${op} ${fmt(opts.quickLimit)} (${opts.quickWhy ?? 'small inputs make this ratio noisy'}; the full run enforces the target)`;
    return { label, value, op, limit, unit: opts.unit, status: 'tolerated', note: opts.note ? `${opts.note}; ${why}` : why };
  }
  return { label, value, op, limit, unit: opts.unit, status: 'fail', note: opts.note };
}

export function fmt(n: number | string | undefined, digits?: number): string {
  if (n === undefined) return '—';
  if (typeof n === 'string') return n;
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const d = digits ?? (abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : abs >= 1 ? 3 : 3);
  return n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
}

export function fmtSummary(s: Summary, unit = '', digits?: number): string {
  const u = unit ? ` ${unit}` : '';
  return `median ${fmt(s.median, digits)}${u} (min ${fmt(s.min, digits)}, max ${fmt(s.max, digits)}, ${s.runs} runs)`;
}

export function figure(label: string, s: Summary | number | string, unit?: string): Figure {
  if (typeof s === 'object') return { label, value: s.median, unit, summary: s };
  return { label, value: s, unit };
}

export function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}
