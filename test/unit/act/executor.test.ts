import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionExecutor } from '../../../src/core/act/executor';
import { prepareAction } from '../../../src/core/act/params';
import type { CosmosConfig } from '../../../src/core/config/config';
import type { ActionReport, ActionType, Incident } from '../../../src/core/report/schema';
import { NodeEffects, keyMarker } from '../../../src/adapters/node/node-effects';
import { MemoryJournal } from '../memory/memory-journal';
import { config, incident } from './builders';
import { TestServer } from './test-server';

function report(type: ActionType, inc: Incident, cfg: CosmosConfig): ActionReport {
  const p = prepareAction(type, inc, cfg);
  return { id: p.id, type, risk: p.risk, status: 'pending_approval', gates: [], params: p.params, key: p.key, reason: 'test' };
}

describe('act/executor', () => {
  let dir: string;
  let server: TestServer;
  let journal: MemoryJournal;
  let cfg: CosmosConfig;
  let effects: NodeEffects;
  let paused: string[];
  let executor: ActionExecutor;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cosmos-exec-'));
    server = await new TestServer().start();
    journal = new MemoryJournal();
    cfg = config({ act: { outDir: dir, webhookUrl: server.url, escalationUrl: server.url, httpTimeoutMs: 300 } });
    effects = new NodeEffects(dir);
    paused = [];
    executor = new ActionExecutor({ journal, effects, config: () => cfg, onPause: (r) => void paused.push(r) });
  });

  afterEach(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one reply draft per merchant, marked with the key, journalling intent before the effect', async () => {
    const inc = incident();
    const a = report('draft_support_reply', inc, cfg);
    const out = await executor.execute(a, inc);
    assert.equal(out.status, 'executed', out.error);
    const files = readdirSync(join(dir, 'INC-1')).sort();
    assert.deepEqual(files, ['reply-m-acme.md', 'reply-m-bolt.md', 'reply-m-cargo.md']);
    const text = readFileSync(join(dir, 'INC-1', 'reply-m-acme.md'), 'utf8');
    assert.ok(text.startsWith(`${keyMarker(a.key)}\n# Reply draft`));
    assert.deepEqual(
      journal.ofType('action').map((d) => d.phase),
      ['executing', 'done'],
    );
    assert.deepEqual(journal.ofType('action')[0]!.params, a.params);
  });

  it('is idempotent: re-running the same action writes nothing and reports "already done"', async () => {
    const inc = incident();
    const a = report('draft_support_reply', inc, cfg);
    await executor.execute(a, inc);
    const before = statSync(join(dir, 'INC-1', 'reply-m-acme.md'));
    const again = await executor.execute(a, inc);
    assert.equal(again.status, 'executed');
    assert.match(again.result!, /^already done/);
    assert.equal(statSync(join(dir, 'INC-1', 'reply-m-acme.md')).mtimeMs, before.mtimeMs);
    assert.equal(journal.ofType('action').length, 2);

    // A fresh executor restored from the journal (a restart) knows it too.
    const restarted = new ActionExecutor({ journal, effects, config: () => cfg });
    restarted.restore(journal.list);
    assert.match((await restarted.execute(a, inc)).result!, /^already done/);
  });

  it('runs concurrent executions of one key once', async () => {
    const inc = incident();
    const a = report('notify_webhook', inc, cfg);
    const results = await Promise.all([executor.execute(a, inc), executor.execute(a, inc), executor.execute(a, inc)]);
    assert.deepEqual(results.map((r) => r.status), ['executed', 'executed', 'executed']);
    assert.equal(server.count(a.key), 1);
  });

  it('posts the webhook summary with an Idempotency-Key and no ticket text', async () => {
    const inc = incident();
    const a = report('notify_webhook', inc, cfg);
    const out = await executor.execute(a, inc);
    assert.equal(out.status, 'executed', out.error);
    assert.match(out.result!, /HTTP 202/);
    assert.ok(!out.result!.includes('SECRET'), 'the URL path (a secret for chat webhooks) is not echoed');
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.key, a.key);
    assert.equal((server.requests[0]!.body as { cause: string }).cause, 'webhook_auth_failure');
  });

  it('turns an HTTP timeout into a failed action with a clear error, and a user retry runs it again', async () => {
    server.behaviour = 'hang';
    const inc = incident();
    const a = report('notify_webhook', inc, cfg);
    const t0 = Date.now();
    const failed = await executor.execute(a, inc);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!, /POST http:\/\/127\.0\.0\.1:\d+\/… failed: no answer within 300 ms \(timed out\)/);
    assert.ok(Date.now() - t0 < 5000);

    // The loop re-running does not retry by itself…
    server.behaviour = 'ok';
    const rerun = await executor.execute(a, inc);
    assert.equal(rerun.status, 'failed');
    assert.equal(server.requests.length, 1);
    // …a person does.
    const retried = await executor.execute(a, inc, { retry: true });
    assert.equal(retried.status, 'executed', retried.error);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(
      journal.ofType('action').map((d) => `${d.phase}#${d.attempt}`),
      ['executing#1', 'failed#1', 'executing#2', 'done#2'],
    );
  });

  it('fails on a non-2xx answer and on connection refused, naming the reason', async () => {
    server.behaviour = { status: 500, body: 'boom' };
    const inc = incident();
    const out = await executor.execute(report('create_escalation', inc, cfg), inc);
    assert.equal(out.status, 'failed');
    assert.match(out.error!, /answered HTTP 500: boom/);

    await server.stop();
    const cfg2 = config({ act: { outDir: dir, webhookUrl: server.url, httpTimeoutMs: 1000 } });
    const ex2 = new ActionExecutor({ journal: new MemoryJournal(), effects, config: () => cfg2 });
    const refused = await ex2.execute(report('notify_webhook', inc, cfg2), inc);
    assert.match(refused.error!, /connection refused/);
  });

  it('refuses actions outside the catalogue, altered parameters, a changed URL, and anything in a restricted workspace', async () => {
    const inc = incident();
    const a = report('notify_webhook', inc, cfg);
    const forged = await executor.execute({ ...a, type: 'run_shell' as ActionType }, inc);
    assert.match(forged.error!, /not an action COSMOS can take/);
    const altered = await executor.execute({ ...a, params: { ...a.params, scope: 'platform' } }, inc);
    assert.match(altered.error!, /do not match its idempotency key/);
    const wrongIncident = await executor.execute(a, incident({ id: 'INC-2' }));
    assert.match(wrongIncident.error!, /built for incident INC-1/);

    const moved = { ...cfg, act: { ...cfg.act, webhookUrl: 'http://127.0.0.1:1/elsewhere' } };
    const ex2 = new ActionExecutor({ journal, effects, config: () => moved });
    assert.match((await ex2.execute(a, inc)).error!, /act\.webhookUrl changed/);

    const restricted = { ...cfg, act: { ...cfg.act, allowEffects: false } };
    const ex3 = new ActionExecutor({ journal, effects, config: () => restricted });
    assert.equal((await ex3.execute(report('draft_support_reply', inc, cfg), inc)).status, 'blocked');
    assert.equal(server.requests.length, 0);
    assert.equal(journal.ofType('action').length, 0);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('pauses automation through the journal and the hook', async () => {
    const inc = incident();
    const out = await executor.execute(report('pause_automation', inc, cfg), inc);
    assert.equal(out.status, 'executed');
    assert.equal(paused.length, 1);
    assert.equal(journal.ofType('automation')[0]!.paused, true);
  });

  it('recovers interrupted executions by asking the target, never by running them again', async () => {
    const inc = incident();
    const landed = report('suggest_doc_update', inc, cfg);
    const lost = report('draft_support_reply', inc, cfg);
    const posted = report('notify_webhook', inc, cfg);
    const base = { incidentId: inc.id, fingerprint: inc.fingerprint, phase: 'executing', attempt: 1 };
    // Simulate three crashes after the intent: one effect landed, one did not, one is an HTTP POST.
    for (const a of [landed, lost, posted]) await journal.append('action', { ...base, actionId: a.id, key: a.key, type: a.type, params: a.params });
    await effects.writeFile(String(landed.params.file), 'content', landed.key);

    const restarted = new ActionExecutor({ journal, effects, config: () => cfg });
    restarted.restore(journal.list);
    const rec = await restarted.recover();
    const byType = Object.fromEntries(rec.map((r) => [r.type, r.phase]));
    assert.deepEqual(byType, { suggest_doc_update: 'done', draft_support_reply: 'failed', notify_webhook: 'needs_review' });
    assert.match(rec.find((r) => r.type === 'notify_webhook')!.detail, /may or may not have been received/);
    assert.equal(server.requests.length, 0, 'recovery never posts');
    assert.deepEqual(readdirSync(join(dir, 'INC-1')), ['doc-suggestion.md'], 'recovery never writes');
    assert.deepEqual(await restarted.recover(), [], 'recovery is itself idempotent');

    // The failed draft can be retried by a person; the needs_review POST only on explicit retry too.
    assert.equal((await restarted.execute(posted, inc)).status, 'failed');
    assert.equal((await restarted.execute(lost, inc, { retry: true })).status, 'executed');
  });
});
