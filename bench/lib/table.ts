import { fmt, type BenchResult, type Check } from './report';

/** The summary table printed at the end of a run (and pasted into docs/performance.md). */
export function renderTable(results: readonly BenchResult[]): string {
  const rows: string[][] = [['benchmark', 'figure', 'value', 'target', 'status']];
  for (const r of results) {
    let first = true;
    for (const f of r.figures) {
      const range = f.summary ? ` (${fmt(f.summary.min)}–${fmt(f.summary.max)})` : '';
      rows.push([first ? r.title : '', f.label, `${fmt(f.value)}${f.unit ? ` ${f.unit}` : ''}${range}`, '', '']);
      first = false;
    }
    for (const c of r.checks) {
      rows.push([first ? r.title : '', c.label, c.value === undefined ? (c.note ?? 'not measured') : `${fmt(c.value)}${c.unit ? ` ${c.unit}` : ''}`, target(c), c.status.toUpperCase()]);
      first = false;
    }
  }
  return markdown(rows);
}

function target(c: Check): string {
  const op = c.op === '<=' ? '≤' : c.op === '>=' ? '≥' : '=';
  return `${op} ${fmt(c.limit)}${c.unit ? ` ${c.unit}` : ''}`;
}

/** A Markdown table: readable in a terminal and pasteable into the docs as is. */
function markdown(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: readonly string[]): string => `| ${r.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join(' | ')} |`;
  return [line(rows[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}
