/** Summary statistics of repeated measurements: medians, not means, because the machines are shared and noisy. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarise');
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: samples.length };
}

/** Linear-interpolated quantile of an ascending array (q in 0..1). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function percentile(samples: readonly number[], q: number): number {
  return quantile([...samples].sort((a, b) => a - b), q);
}

export interface PairedRuns {
  readonly a: number[];
  readonly b: number[];
  /** Per-pair ratio b/a: each pair ran back to back, so drift between pairs cancels. */
  readonly ratios: number[];
}

/**
 * Runs the two sides of a ratio interleaved, A B A B …, after `warmup` unrecorded pairs, so a slow phase of the
 * machine hits both sides alike. Each side returns the figure to compare (e.g. ms or events/s).
 */
export async function interleave(
  runs: number,
  warmup: number,
  a: () => Promise<number> | number,
  b: () => Promise<number> | number,
): Promise<PairedRuns> {
  const out: PairedRuns = { a: [], b: [], ratios: [] };
  for (let i = 0; i < warmup + runs; i++) {
    // Alternate which side goes first (A B, B A, …), so neither always enjoys the warmer cache.
    let x: number;
    let y: number;
    if (i % 2 === 0) {
      x = await a();
      y = await b();
    } else {
      y = await b();
      x = await a();
    }
    if (i < warmup) continue;
    out.a.push(x);
    out.b.push(y);
    out.ratios.push(y / x);
  }
  return out;
}

/** Runs one side `warmup + runs` times and keeps the last `runs` samples. */
export async function repeat(runs: number, warmup: number, fn: () => Promise<number> | number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const v = await fn();
    if (i >= warmup) out.push(v);
  }
  return out;
}

export function nowMs(): number {
  return performance.now();
}

export function gcIfExposed(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
