import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileJournal } from '../../src/adapters/node/file-journal';
import { ApprovalEntrySchema, IncidentEntrySchema, readEntry } from '../../src/core/memory/entries';
import { runActionTrials, runJournalTrials } from '../crash/harness';
import { mulberry32 } from '../crash/prng';
import { cosmosBin } from './cli-bundle';
import { areaCommand, Examples, figureMaker, seconds, type Figure, type RunOptions } from './figure';
import { countingServer, runProcess, type CountingServer } from './proc';

/**
 * Crashes. The journal and approvals/actions figures come from the kill -9 harness of test/crash (real FileJournal,
 * ApprovalBook and ActionExecutor in bundled children; side effects counted at the target). The state figures kill
 * COSMOS itself — `cosmos run` mid-cycle and `cosmos approvals approve` mid-execution — on a real data folder, then
 * start it again as a user would (`cosmos audit verify`, `cosmos analyze --dry-run --json`) and compare what it
 * shows with what the journal holds.
 */
const AREA = 'crashes';

type ApprovalStatus = 'pending' | 'approved' | 'executing' | 'done' | 'failed' | 'needs_review' | 'rejected' | 'expired' | 'superseded';

interface Folded {
  approvals: Map<string, ApprovalStatus>;
  /** Approval id → action type (from its `pending` entry). */
  types: Map<string, string>;
  /** Incident id → last journalled status and fingerprint. */
  incidents: Map<string, { status: string; fingerprint: string }>;
}

async function fold(journalPath: string): Promise<Folded> {
  const out: Folded = { approvals: new Map(), types: new Map(), incidents: new Map() };
  if (!existsSync(journalPath)) return out;
  const j = await FileJournal.open(journalPath, { readOnly: true });
  try {
    for await (const e of j.entries()) {
      const a = readEntry(e, 'approval', ApprovalEntrySchema);
      if (a) out.approvals.set(a.approvalId, a.status as ApprovalStatus);
      if (a?.approval) out.types.set(a.approvalId, a.approval.type);
      const i = readEntry(e, 'incident', IncidentEntrySchema);
      if (i) out.incidents.set(i.incident.id, { status: i.incident.status, fingerprint: i.incident.fingerprint });
    }
  } finally {
    await j.close();
  }
  return out;
}

const SETTLED: readonly ApprovalStatus[] = ['done', 'failed', 'needs_review'];

/** What a restart may make of an approval the journal left in `before`. */
function allowedAfter(before: ApprovalStatus): readonly ApprovalStatus[] {
  if (before === 'pending') return ['pending', 'expired'];
  if (before === 'approved' || before === 'executing') return SETTLED;
  return [before];
}

interface StateTally {
  trials: number;
  runKills: number;
  approveKills: number;
  verifyFailures: Examples;
  startFailures: Examples;
  incidentMismatch: Examples;
  approvalMismatch: Examples;
  forgotten: Examples;
  lostIncidents: Examples;
  executedTwice: Examples;
  pendingSeen: number;
  approvedSeen: number;
  posts: number;
}

export async function stateTrials(trials: number, seed: number): Promise<StateTally> {
  const bin = await cosmosBin();
  const rng = mulberry32(seed);
  const t: StateTally = {
    trials: 0,
    runKills: 0,
    approveKills: 0,
    verifyFailures: new Examples(),
    startFailures: new Examples(),
    incidentMismatch: new Examples(),
    approvalMismatch: new Examples(),
    forgotten: new Examples(),
    lostIncidents: new Examples(),
    executedTwice: new Examples(),
    pendingSeen: 0,
    approvedSeen: 0,
    posts: 0,
  };
  const root = mkdtempSync(path.join(tmpdir(), 'cosmos-rel-state-'));
  const base = path.join(root, 'base');
  const gen = await runProcess(process.execPath, [bin, 'generate', '--scenario', 'sample_day', '--out', base, '--format', 'ndjson', '--events', '4000', '--seed', String(seed % 1000)]);
  if (gen.code !== 0) throw new Error(`cosmos generate failed: ${gen.stderr}`);
  // One HTTP receiver per world: worlds are copies of the same data, so their actions share idempotency keys.
  let server: CountingServer | undefined;
  let targets: string[] = [];
  const closeWorld = async () => {
    if (!server) return;
    for (const [key, n] of server.counts) if (n > 1) t.executedTwice.add(`POST with key ${key.slice(0, 16)} received ${n} times`);
    t.posts += server.total();
    await server.close();
    server = undefined;
  };
  try {
    let dir = '';
    for (let i = 0; i < trials; i++) {
      // A series of crashes on one data folder (its journal accumulates), then a fresh one.
      if (i % 8 === 0) {
        await closeWorld();
        server = await countingServer({ delayMs: 400 });
        targets = ['--webhook-url', `${server.url}/hook`, '--escalation-url', `${server.url}/escalate`];
        dir = path.join(root, `world-${i}`);
        cpSync(base, dir, { recursive: true });
      }
      const journal = path.join(dir, '.cosmos', 'state', 'journal.ndjson');
      const label = `trial ${i} (seed ${seed})`;
      const pre = await fold(journal);
      const pending = [...pre.approvals].filter(([, s]) => s === 'pending').map(([id]) => id);
      if (pending.length > 0 && rng() < 0.45) {
        // Mostly the actions that POST (their effect cannot be checked after a crash: the hard case).
        const posting = pending.filter((id) => ['notify_webhook', 'create_escalation'].includes(pre.types.get(id) ?? ''));
        const from = posting.length > 0 && rng() < 0.7 ? posting : pending;
        const id = from[Math.floor(rng() * from.length)]!;
        t.approveKills++;
        await runProcess(process.execPath, [bin, 'approvals', 'approve', id, '--dir', dir, '--by', 'reliability', ...targets], { killAfterMs: Math.floor(rng() * 1500) });
      } else {
        t.runKills++;
        await runProcess(process.execPath, [bin, 'run', dir, '--llm', 'off', ...targets], { killAfterMs: 80 + Math.floor(rng() * 2500) });
      }
      t.trials++;

      // Restart as a user would: verify the journal, then open the folder again.
      const before = await fold(journal);
      for (const s of before.approvals.values()) {
        if (s === 'pending') t.pendingSeen++;
        if (s === 'approved' || s === 'executing') t.approvedSeen++;
      }
      if (existsSync(journal)) {
        const v = await runProcess(process.execPath, [bin, 'audit', 'verify', '--dir', dir]);
        if (v.code !== 0) t.verifyFailures.add(`${label}: ${v.stderr.trim() || v.stdout.trim()}`);
      }
      const a = await runProcess(process.execPath, [bin, 'analyze', dir, '--llm', 'off', '--dry-run', '--json', ...targets], { timeoutMs: 60_000 });
      let report: { incidents: { id: string; status: string; fingerprint: string }[]; approvals: { id: string; status: ApprovalStatus }[] } | undefined;
      try {
        report = JSON.parse(a.stdout) as typeof report;
      } catch {
        t.startFailures.add(`${label}: cosmos analyze exited ${a.code}: ${a.stderr.slice(0, 300)}`);
        continue;
      }
      const after = await fold(journal);

      // What the restarted COSMOS shows = what the journal now holds.
      const shownOpen = new Set(report!.incidents.filter((x) => x.status === 'open').map((x) => x.id));
      const journalledOpen = new Set([...after.incidents].filter(([, x]) => x.status === 'open').map(([id]) => id));
      if ([...shownOpen].sort().join(',') !== [...journalledOpen].sort().join(',')) {
        t.incidentMismatch.add(`${label}: open shown [${[...shownOpen].join(',')}] vs journalled [${[...journalledOpen].join(',')}]`);
      }
      const shownApprovals = new Map(report!.approvals.map((x) => [x.id, x.status]));
      for (const [id, s] of after.approvals) {
        if (shownApprovals.get(id) !== s) t.approvalMismatch.add(`${label}: ${id} journalled ${s}, shown ${shownApprovals.get(id) ?? 'missing'}`);
      }
      for (const id of shownApprovals.keys()) if (!after.approvals.has(id)) t.approvalMismatch.add(`${label}: ${id} shown but never journalled`);

      // Across the crash: nothing journalled before it is lost or silently changed.
      for (const [id, s] of before.approvals) {
        const now = after.approvals.get(id);
        if (!now || !allowedAfter(s).includes(now)) {
          if (s === 'approved' || s === 'executing') t.forgotten.add(`${label}: ${id} was ${s}, after restart ${now ?? 'missing'}`);
          else t.approvalMismatch.add(`${label}: ${id} was ${s}, after restart ${now ?? 'missing'}`);
        }
      }
      const shownFingerprints = new Set(report!.incidents.map((x) => x.fingerprint));
      for (const [id, x] of before.incidents) {
        if (!shownFingerprints.has(x.fingerprint)) t.lostIncidents.add(`${label}: ${id} (${x.fingerprint}) journalled, not shown after restart`);
      }
    }
  } finally {
    await closeWorld();
    rmSync(root, { recursive: true, force: true });
  }
  return t;
}

export async function run(opts: RunOptions): Promise<Figure[]> {
  const trials = opts.quick ? 50 : 1000;
  const stateN = opts.quick ? 8 : 64;
  const seed = Number(process.env.COSMOS_RELIABILITY_SEED ?? Date.now() % 2 ** 31);
  // The two harness series are independent (own folders, own HTTP receiver): run them side by side, one per core.
  const t0 = Date.now();
  let tJournal = 0;
  let tActions = 0;
  const [journal, actions] = await Promise.all([
    runJournalTrials(trials, seed).then((r) => ((tJournal = seconds(t0)), r)),
    runActionTrials(trials, seed).then((r) => ((tActions = seconds(t0)), r)),
  ]);
  const t2 = Date.now();
  const state = await stateTrials(stateN, seed);
  const tState = seconds(t2);

  const harnessCmd = `COSMOS_CRASH_TRIALS=${trials} COSMOS_CRASH_SEED=${seed} node --import tsx test/crash/run.ts`;
  const fig = figureMaker('Crashes', `${areaCommand(AREA, opts.quick)}  (harness alone: ${harnessCmd})`);
  const jp = journal.problems.slice(0, 3).join(' | ') || undefined;
  const ap = actions.problems.slice(0, 3).join(' | ') || undefined;
  const tornPct = journal.splitWrites === 0 ? 'n/a' : `${((100 * (journal.splitWrites - journal.splitTailsMissed)) / journal.splitWrites).toFixed(1)} %`;
  return [
    fig('journal: kill -9 trials (some with a record split mid-write)', journal.trials, `≥ ${trials}`, journal.trials >= trials && journal.problems.length === 0, `seed ${seed}; ${journal.splitTrials} split trials, ${journal.splitWrites} half records written; ${journal.acknowledged.toLocaleString('en')} acknowledged appends; ${tJournal} s${jp ? `; ${jp}` : ''}`),
    fig('journal: acknowledged entries lost', journal.lostAcknowledged, '0', journal.lostAcknowledged === 0),
    fig('journal: torn tails detected and dropped', `${tornPct} (${journal.splitWrites - journal.splitTailsMissed}/${journal.splitWrites} split; ${journal.tornTailsDetected} torn tails in all)`, '100 %', journal.splitTailsMissed === 0 && journal.splitWrites > 0),
    fig('journal: hash chain verifies after recovery', `${journal.trials - journal.verifyFailures}/${journal.trials}`, 'all', journal.verifyFailures === 0),
    fig('approvals/actions: kill -9 trials while approving and executing', actions.trials, `≥ ${trials}`, actions.trials >= trials && actions.problems.length === 0, `seed ${seed}; ${actions.approvalsProposed} approvals proposed, ${actions.autoExecuted} automatic executions acknowledged; effects at the target: ${actions.fileEffects} files, ${actions.httpEffects} POSTs; ${tActions} s${ap ? `; ${ap}` : ''}`),
    fig('approvals/actions: executed twice (files + HTTP requests at the target)', actions.executedTwice, '0', actions.executedTwice === 0),
    fig('approvals/actions: expired or superseded approvals executed', actions.expiredOrSupersededExecuted, '0', actions.expiredOrSupersededExecuted === 0),
    fig('approvals/actions: approved actions silently forgotten (not done/failed/needs_review)', actions.forgotten, '0', actions.forgotten === 0, `${actions.needsReview} ended needs_review`),
    fig('approvals/actions: acknowledged done, recovered as something else', actions.acknowledgedLost, '0', actions.acknowledgedLost === 0),
    fig('approvals/actions: side effects without a journalled intent', actions.effectsWithoutIntent, '0', actions.effectsWithoutIntent === 0),
    fig('approvals/actions: journal verifies after every trial', `${actions.trials - actions.verifyFailures}/${actions.trials}`, 'all', actions.verifyFailures === 0),
    fig(
      'state: kill -9 of `cosmos run` / `cosmos approvals approve`, then restart',
      state.trials,
      `≥ ${stateN}`,
      state.trials >= stateN,
      `seed ${seed}; ${state.runKills} run kills, ${state.approveKills} approve kills; ${state.pendingSeen} pending and ${state.approvedSeen} approved/executing approvals found after crashes; ${state.posts} POSTs at the target; ${tState} s`,
    ),
    fig('state: `cosmos audit verify` fails after a crash', state.verifyFailures.count, '0', state.verifyFailures.count === 0, state.verifyFailures.text()),
    fig('state: `cosmos` fails to start after a crash', state.startFailures.count, '0', state.startFailures.count === 0, state.startFailures.text()),
    fig('state: open incidents shown ≠ journalled', state.incidentMismatch.count, '0', state.incidentMismatch.count === 0, state.incidentMismatch.text()),
    fig('state: approvals shown ≠ journalled (or changed across the crash)', state.approvalMismatch.count, '0', state.approvalMismatch.count === 0, state.approvalMismatch.text()),
    fig('state: approved actions forgotten across a crash', state.forgotten.count, '0', state.forgotten.count === 0, state.forgotten.text()),
    fig('state: incidents journalled before a crash missing after restart', state.lostIncidents.count, '0', state.lostIncidents.count === 0, state.lostIncidents.text()),
    fig('state: actions executed twice at the HTTP target', state.executedTwice.count, '0', state.executedTwice.count === 0, state.executedTwice.text()),
  ];
}
