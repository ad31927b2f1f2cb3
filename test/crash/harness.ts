import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { FileJournal } from '../../src/adapters/node/file-journal';
import { NodeEffects } from '../../src/adapters/node/node-effects';
import { ApprovalBook } from '../../src/core/act/approvals';
import { ActionExecutor } from '../../src/core/act/executor';
import { ApprovalEntrySchema, readEntry } from '../../src/core/memory/entries';
import { mulberry32 } from './prng';
import { world } from './world';

/**
 * kill -9 harness. Children are bundled once with esbuild (a bundled child starts in tens of ms, which
 * is what makes 1,000 trials affordable), run against a journal / output folder / local HTTP server,
 * and are killed with SIGKILL at random points. After every kill the parent recovers with the same code
 * a restarting COSMOS runs, and counts what the promises are about.
 */
export interface JournalCrashStats {
  trials: number;
  /** Trials told to split a write… */
  splitTrials: number;
  /** …and how many got to write their half record before the kill. */
  splitWrites: number;
  acknowledged: number;
  lostAcknowledged: number;
  tornTailsDetected: number;
  splitTailsMissed: number;
  verifyFailures: number;
  problems: string[];
}

export interface ActionCrashStats {
  trials: number;
  approvalsProposed: number;
  approvalsAcknowledgedDone: number;
  autoExecuted: number;
  fileEffects: number;
  httpEffects: number;
  executedTwice: number;
  expiredOrSupersededExecuted: number;
  forgotten: number;
  acknowledgedLost: number;
  needsReview: number;
  effectsWithoutIntent: number;
  verifyFailures: number;
  problems: string[];
}

const ROOT = resolve(__dirname, '..', '..');
let bundled: Promise<{ journal: string; actions: string }> | undefined;

export function buildChildren(): Promise<{ journal: string; actions: string }> {
  bundled ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), 'cosmos-crash-bin-'));
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    await build({
      entryPoints: { 'journal-child': join(ROOT, 'test/crash/journal-child.ts'), 'actions-child': join(ROOT, 'test/crash/actions-child.ts') },
      outdir: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
    });
    return { journal: join(out, 'journal-child.js'), actions: join(out, 'actions-child.js') };
  })();
  return bundled;
}

interface ChildRun {
  lines: string[];
  error?: string;
}

/** Runs a child, kills it with SIGKILL `delayMs` after READY (or at once on a line `killOn` accepts). */
function runChild(script: string, args: string[], delayMs: number, killOn: (line: string) => boolean = () => false): Promise<ChildRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    const watchdog = setTimeout(kill, 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (line.startsWith('READY') && !timer) timer = setTimeout(kill, delayMs);
        if (killOn(line)) kill();
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', () => {
      clearTimeout(watchdog);
      if (timer) clearTimeout(timer);
      // A line cut by the kill (no newline) was never acknowledged.
      const err = lines.find((l) => l.startsWith('ERROR'));
      resolvePromise({ lines, error: err ?? (lines.some((l) => l.startsWith('READY')) ? undefined : `child never became ready: ${stderr.slice(0, 2000)}`) });
    });
  });
}

export async function runJournalTrials(trials: number, seed = Date.now() >>> 0): Promise<JournalCrashStats> {
  const { journal: script } = await buildChildren();
  const rng = mulberry32(seed);
  const stats: JournalCrashStats = { trials, splitTrials: 0, splitWrites: 0, acknowledged: 0, lostAcknowledged: 0, tornTailsDetected: 0, splitTailsMissed: 0, verifyFailures: 0, problems: [] };
  const root = mkdtempSync(join(tmpdir(), 'cosmos-crash-journal-'));
  try {
    let path = '';
    // Every acknowledged entry so far in the current file: seq → n.
    let acked = new Map<number, number>();
    for (let t = 0; t < trials; t++) {
      // A series of crashes on the same file, then a fresh file, so files stay small at 1,000 trials.
      if (t % 10 === 0) {
        path = join(root, `journal-${t}.ndjson`);
        acked = new Map();
      }
      const split = rng() < 0.3;
      if (split) stats.splitTrials++;
      const childSeed = Math.floor(rng() * 2 ** 31);
      // Split trials are killed right after their half record; the others at a random point.
      const delay = split ? 10_000 : Math.floor(rng() * 60);
      const run = await runChild(script, [path, String(childSeed), String(rng() < 0.5 ? 1 : 8), split ? '1' : '0'], delay, (l) => l.startsWith('SPLIT'));
      if (run.error) {
        stats.problems.push(`trial ${t} (seed ${seed}): ${run.error}`);
        continue;
      }
      for (const l of run.lines) {
        const m = /^ACK (\d+) (\d+)$/.exec(l);
        if (m) {
          acked.set(Number(m[1]), Number(m[2]));
          stats.acknowledged++;
        }
      }
      const didSplit = run.lines.some((l) => l.startsWith('SPLIT'));
      if (didSplit) stats.splitWrites++;

      // Restart: open (repairs a torn tail), then check every acknowledged entry and the chain.
      const j = await FileJournal.open(path);
      if (j.recovery.tornTail) stats.tornTailsDetected++;
      if (didSplit && !j.recovery.tornTail) {
        stats.splitTailsMissed++;
        stats.problems.push(`trial ${t} (seed ${seed}): a split write was not detected as a torn tail`);
      }
      const present = new Map<number, number>();
      for await (const e of j.entries()) present.set(e.seq, Number(e.data.n));
      for (const [seq, n] of acked) {
        if (present.get(seq) !== n) {
          stats.lostAcknowledged++;
          stats.problems.push(`trial ${t} (seed ${seed}): acknowledged entry seq ${seq} (n=${n}) lost`);
        }
      }
      const v = await j.verify();
      if (!v.ok) {
        stats.verifyFailures++;
        stats.problems.push(`trial ${t} (seed ${seed}): verify failed: ${v.problem}`);
      }
      await j.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return stats;
}

/** Local receiver counting POSTs per Idempotency-Key; 10 % answer 500 so failures are part of the mix. */
async function countingServer(rng: () => number): Promise<{ url: string; counts: Map<string, number>; close: () => Promise<void> }> {
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const key = String(req.headers['idempotency-key'] ?? '');
    counts.set(key, (counts.get(key) ?? 0) + 1);
    req.resume();
    req.on('end', () => {
      if (rng() < 0.1) res.writeHead(500).end('busy');
      else res.writeHead(202).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    counts,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export async function runActionTrials(trials: number, seed = Date.now() >>> 0): Promise<ActionCrashStats> {
  const { actions: script } = await buildChildren();
  const rng = mulberry32(seed);
  const stats: ActionCrashStats = {
    trials,
    approvalsProposed: 0,
    approvalsAcknowledgedDone: 0,
    autoExecuted: 0,
    fileEffects: 0,
    httpEffects: 0,
    executedTwice: 0,
    expiredOrSupersededExecuted: 0,
    forgotten: 0,
    acknowledgedLost: 0,
    needsReview: 0,
    effectsWithoutIntent: 0,
    verifyFailures: 0,
    problems: [],
  };
  const root = mkdtempSync(join(tmpdir(), 'cosmos-crash-actions-'));
  // Latest tallies per world (a world's journal and targets accumulate over its trials).
  const perWorld = new Map<string, { needsReview: number; fileEffects: number; httpEffects: number }>();
  let server: Awaited<ReturnType<typeof countingServer>> | undefined;
  try {
    let dir = '';
    let scenarios = new Map<string, { key: string; scenario: string }>();
    let ackedDone = new Set<string>();
    let autoDone = new Set<string>();
    for (let t = 0; t < trials; t++) {
      // A series of crashes on one world (journal, output folder, HTTP receiver), then a fresh one.
      if (t % 10 === 0) {
        await server?.close();
        server = await countingServer(rng);
        dir = join(root, `world-${t}`);
        mkdirSync(dir, { recursive: true });
        scenarios = new Map();
        ackedDone = new Set();
        autoDone = new Set();
      }
      const childSeed = Math.floor(rng() * 2 ** 31);
      const run = await runChild(script, [dir, server!.url, String(childSeed)], Math.floor(rng() * 150));
      if (run.error) {
        stats.problems.push(`trial ${t} (seed ${seed}): ${run.error}`);
        continue;
      }
      for (const l of run.lines) {
        const p = /^PROPOSED (\S+) (\S+) (\S+)$/.exec(l);
        if (p) {
          scenarios.set(p[1]!, { key: p[2]!, scenario: p[3]! });
          stats.approvalsProposed++;
        }
        const a = /^APPROVED (\S+) (.*)$/.exec(l);
        if (a && a[2]!.split(',').includes('true')) {
          ackedDone.add(a[1]!);
          stats.approvalsAcknowledgedDone++;
        }
        const d = /^AUTODONE (\S+) executed$/.exec(l);
        if (d) {
          autoDone.add(d[1]!);
          stats.autoExecuted++;
        }
      }
      const tally = await checkActionWorld(world(dir, server!.url), server!.counts, scenarios, ackedDone, autoDone, stats, `trial ${t} (seed ${seed})`);
      perWorld.set(dir, tally);
    }
  } finally {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  }
  for (const w of perWorld.values()) {
    stats.needsReview += w.needsReview;
    stats.fileEffects += w.fileEffects;
    stats.httpEffects += w.httpEffects;
  }
  return stats;
}

/** Restart with the real recovery code, then count doubles, forbidden executions and forgotten approvals. */
async function checkActionWorld(
  w: ReturnType<typeof world>,
  httpCounts: Map<string, number>,
  scenarios: Map<string, { key: string; scenario: string }>,
  ackedDone: Set<string>,
  autoDone: Set<string>,
  stats: ActionCrashStats,
  label: string,
): Promise<{ needsReview: number; fileEffects: number; httpEffects: number }> {
  const journal = await FileJournal.open(w.journalPath);
  try {
    const entries = await journal.readAll();
    const executor = new ActionExecutor({ journal, effects: new NodeEffects(w.outDir), config: () => w.config });
    executor.restore(entries);
    await executor.recover();
    const book = new ApprovalBook(journal, () => w.config);
    await book.recover(entries);

    // Effects at the targets, per key: file writes from the effects log, POSTs from the receiver.
    const fileCounts = new Map<string, number>();
    if (existsSync(w.effectsLog)) {
      for (const line of readFileSync(w.effectsLog, 'utf8').split('\n')) if (line) fileCounts.set(line, (fileCounts.get(line) ?? 0) + 1);
    }
    const effectKeys = new Set<string>();
    for (const [keyAndPath, n] of fileCounts) {
      effectKeys.add(keyAndPath.split(' ')[0]!);
      if (n > 1) {
        stats.executedTwice++;
        stats.problems.push(`${label}: file effect ${keyAndPath} written ${n} times`);
      }
    }
    for (const [key, n] of httpCounts) {
      effectKeys.add(key);
      if (n > 1) {
        stats.executedTwice++;
        stats.problems.push(`${label}: POST with key ${key.slice(0, 12)} received ${n} times`);
      }
    }
    const intents = new Set(executor.states().map((s) => s.key));
    for (const key of effectKeys) {
      if (!intents.has(key)) {
        stats.effectsWithoutIntent++;
        stats.problems.push(`${label}: effect for key ${key.slice(0, 12)} has no journalled intent`);
      }
    }

    for (const approval of book.list()) {
      const info = scenarios.get(approval.id);
      const key = book.keyOf(approval.id)!;
      if (approval.status === 'expired' || approval.status === 'superseded' || (info && info.scenario !== 'normal')) {
        if (effectKeys.has(key) || executor.state(key)) {
          stats.expiredOrSupersededExecuted++;
          stats.problems.push(`${label}: ${approval.id} (${approval.status}, scenario ${info?.scenario}) was executed`);
        }
      }
      if (ackedDone.has(approval.id) && approval.status !== 'done') {
        stats.acknowledgedLost++;
        stats.problems.push(`${label}: ${approval.id} acknowledged done but recovered as ${approval.status}`);
      }
    }
    // Every approval that was ever approved is settled: done, failed or needs_review.
    const approvedIds = new Set<string>();
    for (const e of entries) {
      const d = readEntry(e, 'approval', ApprovalEntrySchema);
      if (d?.status === 'approved') approvedIds.add(d.approvalId);
    }
    for (const id of approvedIds) {
      const s = book.get(id)?.status;
      if (s !== 'done' && s !== 'failed' && s !== 'needs_review') {
        stats.forgotten++;
        stats.problems.push(`${label}: approved ${id} is ${s} after recovery`);
      }
    }
    for (const s of executor.states()) {
      if (s.phase === 'executing') {
        stats.forgotten++;
        stats.problems.push(`${label}: action ${s.key.slice(0, 12)} still executing after recovery`);
      }
    }
    for (const key of autoDone) {
      if (executor.state(key)?.phase !== 'done') {
        stats.acknowledgedLost++;
        stats.problems.push(`${label}: auto action ${key.slice(0, 12)} acknowledged executed but recovered as ${executor.state(key)?.phase}`);
      }
    }

    const v = await journal.verify();
    if (!v.ok) {
      stats.verifyFailures++;
      stats.problems.push(`${label}: verify failed: ${v.problem}`);
    }
    return {
      needsReview: book.list({ status: 'needs_review' }).length,
      fileEffects: [...fileCounts.values()].reduce((a, b) => a + b, 0),
      httpEffects: [...httpCounts.values()].reduce((a, b) => a + b, 0),
    };
  } finally {
    await journal.close();
  }
}
