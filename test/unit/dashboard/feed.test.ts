import * as assert from 'node:assert/strict';
import { createDashboardFeed } from '../../../src/server/dashboard-feed';
import type { DashboardPatch } from '../../../src/shared/dashboard-protocol';
import { FakeAgent, makeIncident } from '../../fakes/fake-agent';

describe('dashboard feed: agent events → state and patches', () => {
  it('the snapshot has one summary per incident with pending counts', () => {
    const agent = new FakeAgent({ count: 30 });
    const feed = createDashboardFeed(agent);
    const s = feed.snapshot();
    assert.equal(s.incidents.length, 30);
    const pending = agent.approvals({ status: 'pending' });
    assert.equal(s.incidents.reduce((n, i) => n + i.pendingApprovals, 0), pending.length);
    assert.equal(s.approvals.filter((a) => a.status === 'pending').length, pending.length);
    feed.dispose();
  });

  it('coalesces a burst of changes into one patch carrying each changed incident once, with a bumped rev', async () => {
    const agent = new FakeAgent({ count: 10 });
    const feed = createDashboardFeed(agent, { coalesceMs: 20, trendsMs: 10_000 });
    const start = feed.snapshot().seq;
    const patches: DashboardPatch[] = [];
    feed.onPatch((p) => patches.push(p));
    for (let k = 0; k < 50; k++) agent.update({ ...makeIncident(k % 3), title: `burst ${k}` });
    await new Promise((r) => setTimeout(r, 60));
    const withUpserts = patches.filter((p) => p.upserts.length);
    assert.equal(withUpserts.length, 1);
    assert.deepEqual(withUpserts[0]!.upserts.map((u) => u.id).sort(), ['inc_00000', 'inc_00001', 'inc_00002']);
    assert.equal(withUpserts[0]!.upserts.find((u) => u.id === 'inc_00002')!.title, 'burst 47');
    assert.ok(withUpserts[0]!.upserts.every((u) => u.rev === 1));
    // Every patch (trends included) takes the next sequence number: a client can detect a gap.
    assert.deepEqual(patches.map((x) => x.seq), patches.map((_, i) => start + 1 + i));
    feed.dispose();
  });

  it('sends approvals as a diff: only the approval that changed, and the incident whose pending count moved', async () => {
    const agent = new FakeAgent({ count: 40 });
    const feed = createDashboardFeed(agent, { coalesceMs: 5, trendsMs: 10_000 });
    feed.snapshot();
    const patches: DashboardPatch[] = [];
    feed.onPatch((p) => patches.push(p));
    const a = agent.approvals({ status: 'pending' })[3]!;
    await agent.approve(a.id, 'tester');
    await new Promise((r) => setTimeout(r, 30));
    const p = patches.find((x) => x.approvals)!;
    assert.deepEqual(p.approvals!.map((x) => [x.id, x.status]), [[a.id, 'done']]);
    const row = p.upserts.find((u) => u.id === a.incidentId)!;
    assert.equal(row.pendingApprovals, 0);
    feed.dispose();
  });

  it('after dispose no patch is emitted and the agent listeners are gone', async () => {
    const agent = new FakeAgent({ count: 3 });
    const feed = createDashboardFeed(agent, { coalesceMs: 1 });
    let n = 0;
    feed.onPatch(() => n++);
    feed.dispose();
    agent.update(makeIncident(1));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(n, 0);
  });
});
