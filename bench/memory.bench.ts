import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { ensureScenario } from './lib/data';
import { check, figure, fmt, type Benchmark } from './lib/report';

/** The heap cap of the measured process: a runaway fails there instead of starving the shared machine. */
const HEAP_CAP_MB = 4096;
/** Killed beyond this RSS, whatever the heap says (buffers live outside the V8 heap). */
const RSS_KILL_MB = 6144;

interface Line {
  cp?: number;
  done?: number;
  rssMb?: number;
  heapMb?: number;
  maxRssMb?: number;
  reachedAll?: boolean;
  seconds?: number;
}

/**
 * Issue 7, item 4: resident memory while the loop takes in 10 million events (quick: 500,000) as a watched file
 * grows, after a full GC at every checkpoint; the growth from the first million (quick: 50,000) to the end must stay
 * ≤ 100 MB, because the loop keeps aggregates and evidence samples, not records. Also reported: the peak of a first
 * read of an existing file in one poll.
 */
export const memoryBench: Benchmark = {
  id: 'memory',
  title: 'Memory',
  async run(ctx) {
    const events = ctx.quick ? 500_000 : 10_000_000;
    const every = ctx.quick ? 50_000 : 1_000_000;
    const deadlineMs = ctx.quick ? 60_000 : 110_000;
    const dir = path.join(ctx.tmp, 'memory-stream');
    const stream = await child(ctx.repo, ['stream', dir, String(events), String(every), String(deadlineMs)], (l) => {
      if (l.cp !== undefined) ctx.log(`    ${fmt(l.cp)} records: RSS ${fmt(l.rssMb)} MB, heap ${fmt(l.heapMb)} MB (${fmt(l.seconds, 1)} s)`);
    });
    const cps = stream.lines.filter((l) => l.cp !== undefined);
    const done = stream.lines.find((l) => l.done !== undefined);
    const first = cps[0];
    const last = cps[cps.length - 1];
    const reached = done?.done ?? last?.cp ?? 0;
    const growth = first && last && last !== first ? (last.rssMb ?? 0) - (first.rssMb ?? 0) : undefined;
    const rate = done?.seconds ? reached / done.seconds : undefined;
    ctx.log(
      `  streamed ${fmt(reached)} of ${fmt(events)} events in ${fmt(done?.seconds, 1)} s (${fmt(rate)} records/s)${done?.reachedAll === false ? ` — STOPPED at the ${deadlineMs / 1000} s budget` : ''}; ` +
        `peak RSS ${fmt(done?.maxRssMb ?? stream.peakMb)} MB; RSS at ${fmt(first?.cp)}: ${fmt(first?.rssMb)} MB, at ${fmt(last?.cp)}: ${fmt(last?.rssMb)} MB → growth ${fmt(growth)} MB`,
    );

    // A first read of an existing file (the ingest benchmark's data set): one poll holds the file's records at once.
    const oneshotSize = ctx.quick ? 100_000 : 1_000_000;
    const data = await ensureScenario(ctx.tmp, 'sample_day', oneshotSize);
    const once = await child(ctx.repo, ['oneshot', data.dir], () => undefined);
    const onceDone = once.lines.find((l) => l.done !== undefined);
    ctx.log(`  first read of an existing ${fmt(oneshotSize)}-event file in one cycle: peak RSS ${fmt(onceDone?.maxRssMb ?? once.peakMb)} MB${once.code !== 0 ? ` (process failed: ${once.error})` : ''}`);

    const fullyReached = done?.reachedAll === true && reached >= events;
    return {
      ran: `generator → ${fmt(events)} events appended 8 MB at a time to a watched NDJSON file, observe→reason→decide after each append; RSS after gc() at every ${fmt(every)} records; separate process capped at ${HEAP_CAP_MB} MB heap`,
      inputs: `${fmt(events)} events (sample_day, seed 1); one-shot read of ${fmt(oneshotSize)} events`,
      figures: [
        figure('events taken in', reached),
        figure('throughput while streaming', rate === undefined ? 'n/a' : Math.round(rate), 'records/s'),
        figure('peak RSS (streaming)', done?.maxRssMb ?? stream.peakMb, 'MB'),
        figure(`RSS at ${fmt(first?.cp)} records`, first?.rssMb ?? 'n/a', 'MB'),
        figure(`RSS at ${fmt(last?.cp)} records`, last?.rssMb ?? 'n/a', 'MB'),
        // The V8 heap after gc(): what the loop retains; RSS also holds freed-but-kept pages and I/O buffers.
        figure(`heap at ${fmt(first?.cp)} → ${fmt(last?.cp)} records`, `${fmt(first?.heapMb)} → ${fmt(last?.heapMb)}`, 'MB'),
        figure(`peak RSS, first read of a ${fmt(oneshotSize)}-event file`, onceDone?.maxRssMb ?? once.peakMb, 'MB'),
      ],
      checks: [
        check(`all ${fmt(events)} events taken in within ${deadlineMs / 1000} s`, reached, '>=', events, { note: fullyReached ? undefined : `stopped at ${fmt(reached)}: too slow to measure 1 M → 10 M here` }),
        check(`RSS growth ${fmt(every)} → ${fmt(events)} events`, fullyReached ? growth : undefined, '<=', 100, { unit: 'MB', note: fullyReached ? undefined : `only ${fmt(reached)} events reached: growth ${fmt(first?.cp)} → ${fmt(last?.cp)} was ${fmt(growth)} MB` }),
      ],
    };
  },
};

async function child(repo: string, args: string[], onLine: (l: Line) => void): Promise<{ lines: Line[]; peakMb: number; code: number | null; error: string }> {
  const p = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx', path.join(repo, 'bench', 'memory', 'memory-child.ts'), ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let error = '';
  let peakMb = 0;
  createInterface({ input: p.stdout! }).on('line', (text) => {
    try {
      const l = JSON.parse(text) as Line;
      lines.push(l);
      onLine(l);
    } catch {
      // Not ours.
    }
  });
  p.stderr!.on('data', (d: Buffer) => (error += d.toString()));
  // Watch the RSS from outside too: the kernel's figure, and a guard for the shared machine.
  const watch = setInterval(() => {
    const rss = rssOf(p.pid);
    if (rss === undefined) return;
    peakMb = Math.max(peakMb, rss);
    if (rss > RSS_KILL_MB) {
      error += `killed: RSS ${rss} MB > ${RSS_KILL_MB} MB`;
      p.kill('SIGKILL');
    }
  }, 200);
  const code = await new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
  clearInterval(watch);
  return { lines, peakMb, code, error: error.trim().split('\n').slice(-3).join(' | ') };
}

function rssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
