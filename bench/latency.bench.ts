import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { check, figure, fmt, fmtSummary, type Benchmark } from './lib/report';
import { percentile, summarise } from './lib/stats';

const wall = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Append {
  readonly first: number;
  readonly count: number;
  readonly at: number;
  readonly phase: 'paced' | 'burst';
  readonly round: number;
}

/**
 * Issue 7, item 3: the real `cosmos run DIR --verbose` (bin/cosmos.js, the built CLI) watching a folder while a writer
 * process appends to an NDJSON file, 50 records/s and in bursts. Each append is timestamped by the writer, each
 * processed count by the `[info] observed N new record(s)` line the loop logs at the end of a cycle; records are
 * processed in file order, so record k was processed when the running total first reached k + 1.
 */
export const latencyBench: Benchmark = {
  id: 'latency',
  title: 'Append-to-incident latency',
  async run(ctx) {
    const rounds = 5;
    const pacedPerRound = ctx.quick ? 50 : 100;
    const burst = ctx.quick ? 2_000 : 5_000;
    const cli = path.join(ctx.repo, 'dist', 'cli.js');
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (the benchmark drives the real CLI)');
    const work = path.join(ctx.tmp, 'latency');
    rmSync(work, { recursive: true, force: true });
    const data = path.join(work, 'data');
    const state = path.join(work, 'state');
    mkdirSync(data, { recursive: true });
    const file = path.join(data, 'events.ndjson');
    writeFileSync(file, '');

    // COSMOS_BENCH_CPU_PROF=DIR profiles the `cosmos run` process (node --cpu-prof) for docs/performance.md.
    const profDir = process.env.COSMOS_BENCH_CPU_PROF;
    const run = spawn(process.execPath, [...(profDir ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(profDir)] : []), path.join(ctx.repo, 'bin', 'cosmos.js'), 'run', data, '--llm', 'off', '--verbose', '--state-dir', state], {
      cwd: ctx.repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const processed: { total: number; at: number }[] = [];
    let total = 0;
    let started = false;
    const errors: string[] = [];
    createInterface({ input: run.stderr! }).on('line', (l) => {
      const at = wall();
      const m = /^\[info\] observed (\d+) new record\(s\)/.exec(l);
      if (m) {
        total += Number(m[1]);
        processed.push({ total, at });
      } else if (/^\[info\] agent started/.test(l)) started = true;
      else if (/^\[error\]|^cosmos: /.test(l)) errors.push(l);
    });
    createInterface({ input: run.stdout! }).on('line', () => undefined);
    const exited = new Promise<number | null>((resolve) => run.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => started, 20_000, 'cosmos run did not log "agent started" within 20 s');

      const plan: object[] = [];
      for (let r = 0; r < rounds; r++) plan.push({ kind: 'paced', count: pacedPerRound, perSecond: 50 }, { kind: 'pause', ms: 500 });
      for (let r = 0; r < rounds; r++) plan.push({ kind: 'burst', count: burst }, { kind: 'pause', ms: ctx.quick ? 1_000 : 1_500 });
      const appends: Append[] = [];
      let pacedSeen = 0;
      let bursts = 0;
      const writer = spawn(process.execPath, ['--import', 'tsx', path.join(ctx.repo, 'bench', 'latency', 'writer.ts'), file, JSON.stringify(plan)], {
        cwd: ctx.repo,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      createInterface({ input: writer.stdout! }).on('line', (l) => {
        const m = /^A (\d+) (\d+) ([\d.]+)$/.exec(l);
        if (!m) return;
        const count = Number(m[2]);
        const phase = count === 1 ? 'paced' : 'burst';
        const round = phase === 'paced' ? Math.floor(pacedSeen++ / pacedPerRound) : bursts++;
        appends.push({ first: Number(m[1]), count, at: Number(m[3]), phase, round });
      });
      const writerCode = await new Promise<number | null>((resolve) => writer.on('exit', (code) => resolve(code)));
      if (writerCode !== 0) throw new Error(`the writer exited ${writerCode}`);
      const appended = appends.reduce((s, a) => s + a.count, 0);
      // Everything appended must come out; then a little longer, to catch duplicates.
      await waitFor(() => total >= appended, 15_000, '').catch(() => undefined);
      await sleep(1_500);
      run.kill('SIGINT');
      const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') run.kill('SIGKILL');

      // Latency of every record: processed at the first cycle whose running total covers it.
      const latencies: { phase: Append['phase']; round: number; ms: number }[] = [];
      let p = 0;
      for (const a of appends) {
        for (let k = a.first; k < a.first + a.count; k++) {
          while (p < processed.length && processed[p]!.total < k + 1) p++;
          if (p >= processed.length) break;
          latencies.push({ phase: a.phase, round: a.round, ms: processed[p]!.at - a.at });
        }
      }
      const snapshot = readSnapshotRecords(path.join(state, 'state.json'));
      const lost = Math.max(0, appended - total);
      const duplicated = Math.max(0, total - appended);
      const phaseStats = (phase: Append['phase']) => {
        const all = latencies.filter((l) => l.phase === phase).map((l) => l.ms);
        const perRound = Array.from({ length: rounds }, (_, r) => latencies.filter((l) => l.phase === phase && l.round === r).map((l) => l.ms))
          .filter((xs) => xs.length > 0)
          .map((xs) => percentile(xs, 0.95));
        return {
          n: all.length,
          p50: percentile(all, 0.5),
          p95: percentile(all, 0.95),
          p99: percentile(all, 0.99),
          max: Math.max(...all),
          p95PerRound: perRound.length ? summarise(perRound) : undefined,
        };
      };
      const paced = phaseStats('paced');
      const bursty = phaseStats('burst');
      ctx.log(`  appended ${fmt(appended)} records (${rounds} rounds of ${pacedPerRound} at 50/s, then ${rounds} bursts of ${fmt(burst)}); the loop reported ${fmt(total)} processed in ${processed.length} cycles; snapshot holds ${snapshot ?? 'no'} records`);
      ctx.log(`  paced 50/s: p50 ${fmt(paced.p50)} ms, p95 ${fmt(paced.p95)} ms, p99 ${fmt(paced.p99)} ms, max ${fmt(paced.max)} ms${paced.p95PerRound ? `; p95 per round ${fmtSummary(paced.p95PerRound, 'ms')}` : ''}`);
      ctx.log(`  bursts of ${fmt(burst)}: p50 ${fmt(bursty.p50)} ms, p95 ${fmt(bursty.p95)} ms, p99 ${fmt(bursty.p99)} ms, max ${fmt(bursty.max)} ms${bursty.p95PerRound ? `; p95 per burst ${fmtSummary(bursty.p95PerRound, 'ms')}` : ''}`);
      ctx.log(`  lost ${lost}, duplicated ${duplicated}${errors.length ? `; errors logged: ${errors.slice(0, 3).join(' | ')}` : ''}`);

      return {
        ran: '`node bin/cosmos.js run DIR --llm off --verbose --state-dir …` (chokidar hints + byte-offset tailing, journal with fdatasync) while a writer process appends; latency = writer timestamp → the loop\'s "observed N new record(s)" log line',
        inputs: `${fmt(appended)} records: ${rounds} × ${pacedPerRound} paced at 50/s, ${rounds} bursts of ${fmt(burst)}`,
        figures: [
          figure('records appended', appended),
          figure('records processed (loop log)', total),
          figure('records in the snapshot after stop', snapshot ?? 'n/a'),
          figure('paced: p50 / p95 / p99', `${fmt(paced.p50)} / ${fmt(paced.p95)} / ${fmt(paced.p99)}`, 'ms'),
          ...(paced.p95PerRound ? [figure('paced: p95 per round', paced.p95PerRound, 'ms')] : []),
          figure(`bursts of ${fmt(burst)}: p50 / p95 / p99`, `${fmt(bursty.p50)} / ${fmt(bursty.p95)} / ${fmt(bursty.p99)}`, 'ms'),
          ...(bursty.p95PerRound ? [figure('bursts: p95 per burst', bursty.p95PerRound, 'ms')] : []),
        ],
        checks: [
          check('records lost', lost, '==', 0),
          check('records duplicated', duplicated, '==', 0),
          check('snapshot record count = appended', snapshot === undefined ? undefined : snapshot - appended, '==', 0, { note: 'difference' }),
          check('p95 append → processed, paced 50/s', Number(paced.p95.toFixed(1)), '<=', 100, { unit: 'ms' }),
          check(`p95 append → processed, bursts of ${fmt(burst)}`, Number(bursty.p95.toFixed(1)), '<=', 100, { unit: 'ms' }),
        ],
      };
    } finally {
      if (run.exitCode === null) stop(run);
    }
  },
};

/** The snapshot file is `<crc32 hex>\n<json>` (adapters/node/file-snapshot.ts). */
function readSnapshotRecords(file: string): number | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const s = JSON.parse(text.slice(text.indexOf('\n') + 1)) as { records?: number };
    return typeof s.records === 'number' ? s.records : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(message || 'timed out');
    await sleep(20);
  }
}

function stop(child: ChildProcess): void {
  child.kill('SIGKILL');
}
