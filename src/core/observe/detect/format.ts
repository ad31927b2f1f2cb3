/** Number and time wording for explanations and titles. Event time only, rendered in UTC, so text is reproducible. */

export function fmtNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

/** One decimal at most: "10 min", "2.5 h". */
export function fmtDuration(ms: number): string {
  const abs = Math.abs(ms);
  const one = (x: number): string => String(Math.round(x * 10) / 10);
  if (abs < 60_000) return `${one(abs / 1_000)} s`;
  if (abs < 3_600_000) return `${one(abs / 60_000)} min`;
  if (abs < 86_400_000) return `${one(abs / 3_600_000)} h`;
  return `${one(abs / 86_400_000)} d`;
}

/**
 * "M2" < "M10": ids with numbers sort the way people read them; code-point order otherwise.
 * Allocation-free: detectors sort merchants on every evaluation.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      // Compare whole digit runs by value: skip leading zeros, then longer run wins, then digit by digit.
      let si = i;
      let sj = j;
      while (si < a.length && a.charCodeAt(si) === 48) si++;
      while (sj < b.length && b.charCodeAt(sj) === 48) sj++;
      let ei = si;
      let ej = sj;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - si !== ej - sj) return ei - si - (ej - sj);
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      if (ei - i !== ej - j) return ei - i - (ej - j);
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `2026-01-31 18:50 UTC` */
export function fmtTime(ts: number): string {
  const iso = new Date(ts).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "the 10 min window from 2026-01-31 18:50 UTC" */
export function fmtWindow(start: number, end: number): string {
  return `the ${fmtDuration(end - start)} window from ${fmtTime(start)}`;
}

/** "M1, M2, M3 and 4 more" */
export function fmtList(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtNumber(n)} ${n === 1 ? one : many}`;
}
