import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCHMARKS } from './benchmarks';
import { renderTable } from './lib/table';
import type { BenchResult } from './lib/report';

/**
 * `npm run bench` (full sizes) and `npm run bench:quick` (small sizes, same code paths; CI). Each benchmark runs in
 * its own Node process; this prints a table, writes bench/results.json and exits 1 when a target is missed.
 * Options: --quick, --only id[,id…], --results FILE (default bench/results.json), --update-baseline (activation:
 * rewrite bench/baseline.json), --cpu-prof (each benchmark process writes a V8 CPU profile to bench/.tmp/profiles/ID;
 * summarise with `node --import tsx bench/profile-summary.ts bench/.tmp/profiles/ID`).
 */
const REPO = path.resolve(__dirname, '..');
const TMP = path.join(REPO, 'bench', '.tmp');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

function runChild(id: string, quick: boolean): Promise<BenchResult> {
  const profile = process.argv.includes('--cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', path.join(TMP, 'profiles', id)] : [];
  const passed = process.argv.includes('--update-baseline') ? ['--update-baseline'] : [];
  const resultFile = path.join(TMP, `result-${id}-${process.pid}.json`);
  rmSync(resultFile, { force: true });
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...profile, '--expose-gc', '--import', 'tsx', path.join(REPO, 'bench', 'lib', 'child.ts'), id, resultFile, ...(quick ? ['--quick'] : []), ...passed],
      { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.on('exit', (code, signal) => {
      const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
      try {
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as BenchResult;
        rmSync(resultFile, { force: true });
        resolve(result);
      } catch {
        const bench = BENCHMARKS.find((b) => b.id === id);
        resolve({
          id,
          title: bench?.title ?? id,
          ran: 'the benchmark process failed before reporting',
          inputs: '—',
          figures: [],
          checks: [{ label: 'benchmark completed', value: undefined, op: '==', limit: 0, status: 'fail', note: `exit ${code ?? signal}` }],
          seconds,
        });
      }
    });
  });
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = option('--only')?.split(',').filter(Boolean);
  const resultsFile = path.resolve(option('--results') ?? path.join(REPO, 'bench', 'results.json'));
  const selected = only ? BENCHMARKS.filter((b) => only.includes(b.id)) : BENCHMARKS;
  if (only && selected.length !== only.length) {
    throw new Error(`unknown benchmark in --only ${only.join(',')} (known: ${BENCHMARKS.map((b) => b.id).join(', ')})`);
  }
  mkdirSync(TMP, { recursive: true });
  const load = os.loadavg();
  const started = performance.now();
  console.log(
    `COSMOS benchmarks (${quick ? 'quick: small inputs, same code paths; ratio targets that small sizes make noisy are tolerated, and say so' : 'full'})\n` +
      `node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load average ${load.map((l) => l.toFixed(2)).join(' ')}\n` +
      'Each figure: median of ≥ 5 timed runs after a warm-up (min, max); the two sides of a ratio run interleaved.',
  );
  const results: BenchResult[] = [];
  for (const [k, bench] of selected.entries()) {
    console.log(`\n[${k + 1}/${selected.length}] ${bench.title} (${bench.id})`);
    const result = await runChild(bench.id, quick);
    results.push(result);
    console.log(`  ran: ${result.ran}\n  inputs: ${result.inputs}\n  (${result.seconds} s)`);
    for (const c of result.checks) console.log(`  ${c.status.toUpperCase().padEnd(12)} ${c.label}${c.note ? ` — ${c.note}` : ''}`);
  }
  const totalSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  console.log(`\n${renderTable(results)}`);
  const failed = results.flatMap((r) => r.checks.filter((c) => c.status === 'fail').map((c) => `${r.id}: ${c.label}`));
  const tolerated = results.flatMap((r) => r.checks.filter((c) => c.status === 'tolerated')).length;
  const unmeasured = results.flatMap((r) => r.checks.filter((c) => c.status === 'not measured')).length;
  console.log(
    `\n${quick ? 'quick' : 'full'} run: ${totalSeconds} s; ${failed.length} target(s) missed` +
      (tolerated ? `, ${tolerated} tolerated at quick sizes` : '') +
      (unmeasured ? `, ${unmeasured} not measured` : ''),
  );
  for (const f of failed) console.log(`  MISSED ${f}`);
  writeFileSync(
    resultsFile,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        mode: quick ? 'quick' : 'full',
        node: process.version,
        cpus: os.cpus().length,
        loadAverageAtStart: load,
        loadAverageAtEnd: os.loadavg(),
        totalSeconds,
        missed: failed,
        benchmarks: results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`results: ${path.relative(process.cwd(), resultsFile) || resultsFile}`);
  // --report-only (CI's quick run): print and record every miss, but do not fail the caller; the full
  // `npm run bench` is the gate for the targets.
  process.exitCode = failed.length && !process.argv.includes('--report-only') ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
});
