import { strict as assert } from 'node:assert';
import { appendFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createNodeAgent } from '../../../src/adapters/node/create-node-agent';
import { makeConfig } from '../../../src/core/config/config';
import type { Incident } from '../../../src/core/report/schema';
import { agentFor, filesUnder, scenarioDir, tempDir } from './agent-helpers';

function lastTimestamp(ndjson: string): number {
  const last = readFileSync(ndjson, 'utf8').trim().split('\n').pop()!;
  return Date.parse(`${JSON.parse(last).timestamp}Z`);
}

/** `count` webhook 401s for one merchant, a second apart from `from` (prototype format, zone-less UTC). */
function webhookBurst(merchant: string, from: number, count: number): string {
  let lines = '';
  for (let i = 0; i < count; i++) {
    const ts = new Date(from + 1000 * i).toISOString().replace('Z', '');
    lines += `${JSON.stringify({ event_id: `B-${merchant}-${from}-${i}`, merchant_id: merchant, error_code: 'http_401', service: 'webhook', timestamp: ts })}\n`;
  }
  return lines;
}

const summary = (incidents: readonly Incident[]) =>
  incidents.map((i) => ({ id: i.id, fingerprint: i.fingerprint, status: i.status, cause: i.cause, merchants: i.merchants, events: i.features.eventCount }));

describe('Agent: memory across restarts and approvals', () => {
  it('a restart brings back the same incidents and pending approvals, and executes nothing again', async () => {
    const dir = await scenarioDir('platform_regression');
    const state = tempDir();
    const first = await agentFor(dir, state);
    const r1 = await first.agent.analyzeOnce();
    const drafts1 = filesUnder(first.outDir);
    const pending1 = first.agent.approvals({ status: 'pending' }).map((a) => a.id);
    first.agent.dispose();
    assert.ok(r1.incidents.length > 0);
    assert.ok(pending1.length > 0, 'a platform regression waits for approval');

    const second = await agentFor(dir, state);
    const r2 = await second.agent.analyzeOnce();
    assert.deepEqual(summary(r2.incidents), summary(r1.incidents));
    assert.deepEqual(second.agent.approvals({ status: 'pending' }).map((a) => a.id), pending1);
    assert.deepEqual(filesUnder(second.outDir), drafts1, 'no draft written twice');
    assert.equal(r2.summary.records, r1.summary.records, 'the snapshot cursors skip what was already read');
    const verify = await second.journal.verify();
    assert.ok(verify.ok, verify.problem);
    second.agent.dispose();
  });

  it('approving runs the action once; a second approval of the same item is refused', async () => {
    const dir = await scenarioDir('documentation_gap');
    const state = tempDir();
    const { agent, outDir } = await agentFor(dir, state);
    await agent.analyzeOnce();
    const pending = agent.approvals({ status: 'pending' });
    const docs = pending.find((a) => a.type === 'suggest_doc_update');
    assert.ok(docs, `a doc suggestion waits for approval: ${pending.map((a) => a.type).join(', ')}`);
    const before = filesUnder(outDir).length;
    const [a, b] = await Promise.all([agent.approve(docs.id, 'tester'), agent.approve(docs.id, 'tester-2')]);
    assert.equal([a, b].filter((r) => r.ok).length, 1, `${a.message} / ${b.message}`);
    assert.equal(filesUnder(outDir).length, before + 1, 'exactly one suggestion written');
    assert.equal(agent.approvals({ status: 'pending' }).some((x) => x.id === docs.id), false);
    const again = await agent.approve(docs.id, 'tester');
    assert.equal(again.ok, false);
    const incident = agent.incident(docs.incidentId)!;
    assert.equal(incident.decision?.actions.find((x) => x.approvalId === docs.id)?.status, 'executed');
    agent.dispose();
  });

  it('recording outcomes resolves the incident and calibrates the rule after three outcomes', async () => {
    const dir = await scenarioDir('webhook_failure');
    const state = tempDir();
    const file = path.join(dir, 'events.ndjson');
    let t = lastTimestamp(file);
    const burst = (merchant: string): void => {
      // A fresh webhook 401 burst at another merchant, hours later: a new incident for the same rule.
      t += 3 * 60 * 60_000;
      appendFileSync(file, webhookBurst(merchant, t, 12));
    };
    const ids: string[] = [];
    for (let round = 0; round < 3; round++) {
      burst(`M${20 + round}`);
      const { agent } = await agentFor(dir, state, {}, { dryRun: true });
      const report = await agent.analyzeOnce();
      const inc = report.incidents.find((i) => i.merchants.includes(`M${20 + round}`))!;
      assert.equal(inc?.cause, 'webhook_auth_failure');
      assert.equal(inc.hypotheses?.[0]?.calibration, undefined, 'no calibration before three outcomes');
      await agent.recordOutcome(inc.id, 'false_positive', 'tester');
      assert.equal(agent.incident(inc.id)?.status, 'resolved');
      ids.push(inc.id);
      agent.dispose();
    }
    assert.equal(new Set(ids).size, 3);
    burst('M30');
    const { agent } = await agentFor(dir, state, {}, { dryRun: true });
    const report = await agent.analyzeOnce();
    const latest = report.incidents.find((i) => i.merchants.includes('M30'))!;
    const top = latest.hypotheses!.find((h) => h.source.kind === 'rule' && h.source.ruleId.includes('webhook_auth'))!;
    assert.ok(top.calibration, 'after 3 false positives the rule’s confidence is calibrated');
    assert.ok(top.calibration.calibrated < top.calibration.raw, top.calibration.detail);
    for (const id of ids) assert.equal(agent.incident(id)?.status, 'resolved', `${id} stays resolved after a restart`);
    agent.dispose();
  });

  it('in an untrusted workspace nothing executes and approvals are refused', async () => {
    const dir = await scenarioDir('documentation_gap');
    const { agent, outDir } = await agentFor(dir, tempDir(), {}, { trusted: false });
    const report = await agent.analyzeOnce();
    assert.equal(report.summary.executed, 0);
    assert.deepEqual(filesUnder(outDir), []);
    for (const a of agent.approvals()) {
      const r = await agent.approve(a.id, 'tester');
      assert.equal(r.ok, false);
    }
    agent.dispose();
  });

  it('watching: appended NDJSON lines update the incidents within a second', async () => {
    const dir = await scenarioDir('healthy');
    const node = await createNodeAgent({ roots: [dir], stateDir: tempDir(), config: makeConfig({ llm: { mode: 'off' } }), trusted: true, watch: true, dryRun: true, journalSync: 'none' });
    const seen = new Promise<Incident>((resolve) => {
      node.agent.onDidChangeIncidents((changes) => {
        const c = changes.find((x) => x.incident.cause === 'webhook_auth_failure');
        if (c) resolve(c.incident);
      });
    });
    await node.agent.start();
    const file = path.join(dir, 'events.ndjson');
    const started = Date.now();
    appendFileSync(file, webhookBurst('M4', lastTimestamp(file) + 1000, 12));
    const incident = await Promise.race([seen, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no incident within 3 s')), 3000))]);
    const elapsed = Date.now() - started;
    assert.deepEqual(incident.merchants, ['M4']);
    assert.equal(incident.features.eventCount, 12);
    // Reported, not asserted tightly: the target (< 1 s) is proven by the benchmark, not by a timed unit test.
    if (elapsed > 1000) console.warn(`      (incident appeared after ${elapsed} ms on this loaded machine)`);
    await node.agent.stop();
    node.agent.dispose();
  });
});
