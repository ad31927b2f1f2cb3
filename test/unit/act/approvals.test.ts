import { strict as assert } from 'node:assert';
import { ApprovalBook, actionFromApproval, type ApprovalContext } from '../../../src/core/act/approvals';
import { actionHash, prepareAction } from '../../../src/core/act/params';
import type { ActionReport, Approval, Incident } from '../../../src/core/report/schema';
import { MemoryJournal } from '../memory/memory-journal';
import { config, incident } from './builders';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 4, 1, 12);

function escalation(inc: Incident): ActionReport {
  const p = prepareAction('create_escalation', inc, config());
  return { id: p.id, type: p.type, risk: p.risk, status: 'pending_approval', gates: [], params: p.params, key: p.key, reason: 'high risk always needs approval' };
}

describe('act/approvals', () => {
  let journal: MemoryJournal;
  let book: ApprovalBook;
  let runs: string[];
  const inc = incident();

  function ctx(over: Partial<ApprovalContext> = {}): ApprovalContext {
    return {
      now: T0 + HOUR,
      paused: false,
      currentActionHash: (a: Approval) => actionHash(a.type, a.params),
      execute: async (a) => {
        runs.push(a.id);
        await new Promise((r) => setTimeout(r, 5));
        return { ok: true, result: `escalation for ${a.incidentId} written` };
      },
      ...over,
    };
  }

  beforeEach(() => {
    journal = new MemoryJournal();
    book = new ApprovalBook(journal, () => config({ decide: { approvalTtlMs: 24 * HOUR } }));
    runs = [];
  });

  it('queues an approval with its binding hash and TTL, without duplicates for the same action', async () => {
    const first = await book.propose(escalation(inc), inc, T0);
    assert.equal(first.created, true);
    assert.equal(first.approval.id, 'APR-1');
    assert.equal(first.approval.expiresAt, T0 + 24 * HOUR);
    assert.equal(first.approval.actionHash, actionHash('create_escalation', escalation(inc).params));
    const again = await book.propose(escalation(inc), inc, T0 + 1000);
    assert.equal(again.created, false);
    assert.equal(book.list().length, 1);
    const [a, b] = await Promise.all([book.propose(escalation(incident({ fingerprint: 'fp2' })), incident({ fingerprint: 'fp2' }), T0), book.propose(escalation(incident({ fingerprint: 'fp3' })), incident({ fingerprint: 'fp3' }), T0)]);
    assert.deepEqual([a.approval.id, b.approval.id].sort(), ['APR-2', 'APR-3']);
  });

  it('executes an approved action once, journalling approved → executing → done', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    const res = await book.approve(approval.id, 'alice', ctx());
    assert.equal(res.ok, true);
    assert.equal(res.message, 'escalation for INC-1 written');
    assert.deepEqual(runs, ['APR-1']);
    assert.deepEqual(
      journal.ofType('approval').map((d) => d.status),
      ['pending', 'approved', 'executing', 'done'],
    );
    assert.equal(book.get('APR-1')!.decidedBy, 'alice');
    const second = await book.approve(approval.id, 'bob', ctx());
    assert.equal(second.ok, false);
    assert.match(second.message, /is done/);
    assert.deepEqual(runs, ['APR-1']);
  });

  it('executes once when approved twice concurrently', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    const results = await Promise.all([book.approve(approval.id, 'alice', ctx()), book.approve(approval.id, 'bob', ctx()), book.approve(approval.id, 'carol', ctx())]);
    assert.deepEqual(runs, ['APR-1']);
    assert.equal(results.filter((r) => r.ok).length, 1);
  });

  it('does not turn a concurrent second approval into a retry when the first run failed', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    const failing = ctx({
      execute: async (a) => {
        runs.push(a.id);
        return { ok: false, error: 'POST answered HTTP 500' };
      },
    });
    const [first, second] = await Promise.all([book.approve(approval.id, 'alice', failing), book.approve(approval.id, 'bob', failing)]);
    assert.deepEqual(runs, ['APR-1']);
    assert.equal(first.ok, false);
    assert.match(second.message, /changed while this approval was waiting \(now failed: POST answered HTTP 500\)/);
    // A deliberate retry afterwards is a fresh decision and runs.
    await book.approve(approval.id, 'bob', failing);
    assert.deepEqual(runs, ['APR-1', 'APR-1']);
  });

  it('never executes an expired approval', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    const res = await book.approve(approval.id, 'alice', ctx({ now: T0 + 24 * HOUR }));
    assert.equal(res.ok, false);
    assert.match(res.message, /expired at 2024-05-02T12:00:00\.000Z and was not run/);
    assert.equal(book.get(approval.id)!.status, 'expired');
    assert.deepEqual(runs, []);
    assert.equal((await book.approve(approval.id, 'alice', ctx({ now: T0 }))).ok, false, 'an expired approval stays expired');
    assert.deepEqual(runs, []);
  });

  it('expires pending approvals past their TTL in bulk', async () => {
    await book.propose(escalation(inc), inc, T0);
    await book.propose(escalation(incident({ fingerprint: 'later' })), incident({ fingerprint: 'later' }), T0 + 2 * HOUR);
    const expired = await book.expire(T0 + 25 * HOUR);
    assert.deepEqual(expired.map((a) => a.id), ['APR-1']);
    assert.deepEqual(book.list({ status: 'pending' }).map((a) => a.id), ['APR-2']);
  });

  it('refuses a superseded approval with an explanation and lets a fresh one be proposed', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    const changed = incident({ merchants: [...inc.merchants, 'm-dune'], scope: 'platform' });
    const res = await book.approve(approval.id, 'alice', ctx({ currentActionHash: () => actionHash('create_escalation', escalation(changed).params) }));
    assert.equal(res.ok, false);
    assert.match(res.message, /changed since this approval was requested: the create_escalation action would now differ/);
    assert.equal(book.get(approval.id)!.status, 'superseded');
    assert.deepEqual(runs, []);
    const fresh = await book.propose(escalation(changed), changed, T0 + HOUR);
    assert.equal(fresh.created, true);
  });

  it('re-checks preconditions: incident no longer open, automation paused', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    assert.match((await book.approve(approval.id, 'alice', ctx({ currentActionHash: () => undefined }))).message, /no longer open/);
    assert.match((await book.approve(approval.id, 'alice', ctx({ paused: true }))).message, /paused/);
    assert.deepEqual(runs, []);
    assert.equal(book.get(approval.id)!.status, 'pending');
  });

  it('records who rejected and why', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    const res = await book.reject(approval.id, 'bob', 'engineering already knows');
    assert.equal(res.ok, true);
    const a = book.get(approval.id)!;
    assert.equal(a.status, 'rejected');
    assert.equal(a.decidedBy, 'bob');
    assert.equal(a.decisionReason, 'engineering already knows');
    assert.equal((await book.approve(approval.id, 'alice', ctx())).ok, false);
    assert.deepEqual(runs, []);
  });

  it('records a failed execution, which a person can approve again to retry', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    const res = await book.approve(approval.id, 'alice', ctx({ execute: async () => ({ ok: false, error: 'POST http://x/… failed: connection refused' }) }));
    assert.equal(res.ok, false);
    assert.equal(book.get(approval.id)!.status, 'failed');
    assert.match(book.get(approval.id)!.error!, /connection refused/);
    assert.equal((await book.approve(approval.id, 'alice', ctx())).ok, true);
    assert.equal(book.get(approval.id)!.status, 'done');
  });

  it('recovers from the journal: executing becomes needs_review (journalled), never re-run', async () => {
    const { approval } = await book.propose(escalation(inc), inc, T0);
    const other = await book.propose(escalation(incident({ fingerprint: 'fp-2' })), incident({ fingerprint: 'fp-2' }), T0);
    const finished = await book.propose(escalation(incident({ fingerprint: 'fp-3' })), incident({ fingerprint: 'fp-3' }), T0);
    // Crash simulations: APR-1 died while executing, APR-3 finished its action but not its `done` record.
    await journal.append('approval', { approvalId: approval.id, status: 'approved', by: 'alice' });
    await journal.append('approval', { approvalId: approval.id, status: 'executing', by: 'alice' });
    await journal.append('approval', { approvalId: finished.approval.id, status: 'approved', by: 'alice' });
    await journal.append('approval', { approvalId: finished.approval.id, status: 'executing', by: 'alice' });
    const key3 = book.keyOf(finished.approval.id)!;
    await journal.append('action', { actionId: 'ACT-3', key: key3, type: 'create_escalation', incidentId: 'INC-1', fingerprint: 'fp-3', phase: 'executing', attempt: 1 });
    await journal.append('action', { actionId: 'ACT-3', key: key3, type: 'create_escalation', incidentId: 'INC-1', fingerprint: 'fp-3', phase: 'done', attempt: 1, result: 'written' });

    const restarted = new ApprovalBook(journal, () => config());
    const rec = await restarted.recover(journal.list);
    assert.deepEqual(
      rec.map((r) => `${r.approvalId}:${r.from}->${r.to}`),
      ['APR-1:executing->needs_review', 'APR-3:executing->done'],
    );
    assert.equal(restarted.get('APR-1')!.status, 'needs_review');
    assert.equal(restarted.get(other.approval.id)!.status, 'pending');
    assert.deepEqual(runs, []);
    // Journalled, so a second restart sees the same state without new transitions.
    const again = new ApprovalBook(journal, () => config());
    assert.deepEqual(await again.recover(journal.list), []);
    assert.equal(again.get('APR-1')!.status, 'needs_review');
    // Ids continue after the highest one seen.
    const next = await again.propose(escalation(incident({ fingerprint: 'fp-4' })), incident({ fingerprint: 'fp-4' }), T0);
    assert.equal(next.approval.id, 'APR-4');
  });

  it('rebuilds the action an approval runs, with the same key', async () => {
    const action = escalation(inc);
    const { approval } = await book.propose(action, inc, T0);
    const rebuilt = actionFromApproval(approval);
    assert.equal(rebuilt.key, action.key);
    assert.equal(rebuilt.approvalId, approval.id);
  });
});
