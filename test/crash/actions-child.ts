/**
 * Crash-test child: restarts COSMOS's Act stage on a journal (recovery first), then proposes, approves
 * (sometimes twice at once, sometimes too late, sometimes for an incident that changed) and executes
 * actions against a local HTTP server and the output folder until killed.
 * Prints `PROPOSED <id> <key> <scenario>`, `APPROVED <id> <ok,...>`, `AUTO <key>`, `AUTODONE <key> <status>`.
 * Args: worldDir serverUrl seed
 */
import { FileJournal } from '../../src/adapters/node/file-journal';
import { ApprovalBook, actionFromApproval } from '../../src/core/act/approvals';
import { ActionExecutor } from '../../src/core/act/executor';
import { actionHash, prepareAction } from '../../src/core/act/params';
import type { ActionReport, ActionType, Approval, Incident } from '../../src/core/report/schema';
import { incident } from '../unit/act/builders';
import { mulberry32 } from './prng';
import { CountingEffects, world } from './world';

const TYPES: ActionType[] = ['draft_support_reply', 'suggest_doc_update', 'create_escalation', 'notify_webhook', 'pause_automation', 'monitor'];

async function main(): Promise<void> {
  const [dir, serverUrl, seedArg] = process.argv.slice(2);
  const seed = Number(seedArg);
  const rng = mulberry32(seed);
  const w = world(dir!, serverUrl!);
  const journal = await FileJournal.open(w.journalPath);
  const entries = await journal.readAll();
  const executor = new ActionExecutor({ journal, effects: new CountingEffects(w), config: () => w.config });
  executor.restore(entries);
  await executor.recover();
  const book = new ApprovalBook(journal, () => w.config);
  await book.recover(entries);
  // Approvals a killed predecessor proposed but nobody approved: the person never came back.
  await book.expire(Date.now() + 2 * w.config.decide.approvalTtlMs);
  out('READY');

  // The loop runs again after a restart and decides the same actions for the same incidents: the
  // executor must answer from the journal (already done / failed / needs review), never run them again.
  for (const s of executor.states()) {
    if (!s.params || rng() < 0.5) continue;
    const again: ActionReport = { id: s.actionId, type: s.type, risk: 'low', status: 'pending_approval', gates: [], params: s.params, key: s.key, reason: 'loop re-run' };
    const r = await executor.execute(again, incident({ id: s.incidentId, fingerprint: s.fingerprint }));
    out(`REDRIVE ${s.key} ${r.status}`);
  }

  const incidents = new Map<string, Incident>();
  const execute = async (a: Approval) => {
    const r = await executor.execute(actionFromApproval(a), incidents.get(a.incidentId)!, { retry: true, approvalId: a.id });
    return { ok: r.status === 'executed', result: r.result, error: r.error };
  };

  for (let i = 1; ; i++) {
    const inc = incident({ id: `INC-${seed}-${i}`, fingerprint: `fp-${seed}-${i}`, merchants: ['m-a', 'm-b', `m-${i}`].slice(0, 1 + Math.floor(rng() * 3)) });
    incidents.set(inc.id, inc);
    const type = TYPES[Math.floor(rng() * TYPES.length)]!;
    const p = prepareAction(type, inc, w.config);
    const report: ActionReport = { id: p.id, type, risk: p.risk, status: 'pending_approval', gates: [], params: p.params, key: p.key, reason: 'crash test' };
    const r = rng();
    if (r < 0.15) {
      out(`AUTO ${p.key}`);
      const done = await executor.execute(report, inc);
      out(`AUTODONE ${p.key} ${done.status}`);
      continue;
    }
    const scenario = r < 0.3 ? 'expired' : r < 0.45 ? 'superseded' : 'normal';
    const { approval } = await book.propose(report, inc, Date.now());
    out(`PROPOSED ${approval.id} ${p.key} ${scenario}`);
    const ctx = {
      now: scenario === 'expired' ? approval.expiresAt + 1 : Date.now(),
      paused: false,
      currentActionHash: (a: Approval) => (scenario === 'superseded' ? actionHash(a.type, { ...a.params, merchants: ['changed'] }) : actionHash(a.type, a.params)),
      execute,
    };
    const twice = rng() < 0.3;
    const results = await Promise.all(twice ? [book.approve(approval.id, 'alice', ctx), book.approve(approval.id, 'bob', ctx)] : [book.approve(approval.id, 'alice', ctx)]);
    out(`APPROVED ${approval.id} ${results.map((x) => x.ok).join(',')}`);
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((err) => {
  out(`ERROR ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
