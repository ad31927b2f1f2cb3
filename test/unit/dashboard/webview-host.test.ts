import * as assert from 'node:assert/strict';
import type { Approval, EvidenceRef } from '../../../src/core/report/schema';
import { createDashboardFeed } from '../../../src/server/dashboard-feed';
import type { HostToView } from '../../../src/shared/dashboard-protocol';
import { handleViewMessage, type DashboardMessageDeps } from '../../../src/vscode/dashboard/dashboard-messages';
import { makeNonce, renderWebviewHtml, webviewCsp } from '../../../src/vscode/dashboard/dashboard-html';
import { FakeAgent } from '../../fakes/fake-agent';

function harness(opts: { trusted?: boolean; confirm?: boolean } = {}) {
  const agent = new FakeAgent({ count: 12 });
  const feed = createDashboardFeed(agent, { coalesceMs: 1 });
  const posted: HostToView[] = [];
  const warnings: string[] = [];
  const confirmed: Approval[] = [];
  const opened: EvidenceRef[] = [];
  const approved: string[] = [];
  const rejected: string[] = [];
  let selected: string | undefined;
  let readies = 0;
  const deps: DashboardMessageDeps = {
    post: (m) => posted.push(m),
    agent: () => agent,
    feed: () => feed,
    ready: () => readies++,
    selected: (id) => (selected = id),
    selectedId: () => selected,
    confirm: async (a) => {
      confirmed.push(a);
      return opts.confirm ?? true;
    },
    // What the extension's approval path does once it has decided to go ahead.
    approve: async (id) => {
      approved.push(id);
      await agent.approve(id, 'vscode:test');
    },
    reject: async (id) => {
      rejected.push(id);
      await agent.reject(id, 'vscode:test', 'from the native input box');
    },
    openEvidence: async (ref) => void opened.push(ref),
    isTrusted: () => opts.trusted ?? true,
    warn: (m) => warnings.push(m),
  };
  return { agent, feed, posted, warnings, confirmed, opened, approved, rejected, deps, readies: () => readies };
}

const pendingOf = (agent: FakeAgent, risk: Approval['risk']): Approval => agent.approvals({ status: 'pending' }).find((a) => a.risk === risk)!;

describe('VS Code dashboard panel: webview messages', () => {
  it('drops a malformed message with a warning and does nothing else', async () => {
    const h = harness();
    await handleViewMessage({ type: 'approve', approvalId: 'x' }, h.deps);
    await handleViewMessage({ type: 'runCommand', command: 'workbench.action.terminal.new' }, h.deps);
    assert.equal(h.posted.length, 0);
    assert.equal(h.approved.length, 0);
    assert.equal(h.warnings.length, 2);
    assert.match(h.warnings[0]!, /malformed webview message \(requestId: /);
  });

  it('ready is the handshake; select answers with the detail under the same request id', async () => {
    const h = harness();
    await handleViewMessage({ type: 'ready', protocol: 1 }, h.deps);
    assert.equal(h.readies(), 1);
    await handleViewMessage({ type: 'select', requestId: 41, incidentId: 'inc_00003' }, h.deps);
    const reply = h.posted[0];
    assert.ok(reply && reply.type === 'detail');
    assert.equal(reply.requestId, 41);
    assert.equal(reply.detail.incident?.id, 'inc_00003');
  });

  it('a low-risk approval from the webview is confirmed natively before it goes through the approval path', async () => {
    const h = harness();
    const a = pendingOf(h.agent, 'low') ?? pendingOf(h.agent, 'medium');
    await handleViewMessage({ type: 'approve', requestId: 7, approvalId: a.id }, h.deps);
    assert.deepEqual(h.confirmed.map((x) => x.id), [a.id]);
    assert.deepEqual(h.approved, [a.id]);
    const reply = h.posted.find((m) => m.type === 'result');
    assert.ok(reply && reply.type === 'result');
    assert.equal(reply.requestId, 7);
    assert.equal(reply.ok, true);
    assert.match(reply.message, new RegExp(`^Approval ${a.id} is now done: Executed`));
  });

  it('cancelling the native confirmation approves nothing', async () => {
    const h = harness({ confirm: false });
    const a = pendingOf(h.agent, 'medium');
    await handleViewMessage({ type: 'approve', requestId: 8, approvalId: a.id }, h.deps);
    assert.equal(h.approved.length, 0);
    assert.equal(h.agent.calls.approve.length, 0);
    const reply = h.posted.find((m) => m.type === 'result');
    assert.ok(reply && reply.type === 'result' && !reply.ok && reply.message === 'Approval cancelled.');
  });

  it('a high-risk approval is left to the approval path, which confirms it with its own modal', async () => {
    const h = harness();
    const a = pendingOf(h.agent, 'high');
    await handleViewMessage({ type: 'approve', requestId: 9, approvalId: a.id }, h.deps);
    assert.equal(h.confirmed.length, 0);
    assert.deepEqual(h.approved, [a.id]);
  });

  it('Restricted Mode refuses approvals and rejections before anything runs', async () => {
    const h = harness({ trusted: false });
    const a = pendingOf(h.agent, 'high');
    await handleViewMessage({ type: 'approve', requestId: 1, approvalId: a.id }, h.deps);
    await handleViewMessage({ type: 'reject', requestId: 2, approvalId: a.id, reason: 'x' }, h.deps);
    assert.equal(h.approved.length + h.rejected.length + h.confirmed.length, 0);
    const replies = h.posted.filter((m) => m.type === 'result');
    assert.equal(replies.length, 2);
    assert.ok(replies.every((r) => r.type === 'result' && !r.ok && /Restricted Mode/.test(r.message)));
  });

  it('unknown or already decided approvals are refused', async () => {
    const h = harness();
    await handleViewMessage({ type: 'approve', requestId: 1, approvalId: 'apr_nope' }, h.deps);
    const a = pendingOf(h.agent, 'high');
    await h.agent.reject(a.id, 'someone', 'dup');
    await handleViewMessage({ type: 'approve', requestId: 2, approvalId: a.id }, h.deps);
    const msgs = h.posted.filter((m) => m.type === 'result').map((m) => (m.type === 'result' ? m.message : ''));
    assert.deepEqual(msgs, ['Approval apr_nope does not exist.', `Approval ${a.id} is already rejected.`]);
    assert.equal(h.approved.length, 0);
  });

  it('reject goes through the approval path (which asks the reason natively)', async () => {
    const h = harness();
    const a = pendingOf(h.agent, 'high');
    await handleViewMessage({ type: 'reject', requestId: 3, approvalId: a.id, reason: 'typed in the webview' }, h.deps);
    assert.deepEqual(h.rejected, [a.id]);
    assert.equal(h.agent.calls.reject[0]!.reason, 'from the native input box');
  });

  it('opens only evidence the agent reported, at its exact line', async () => {
    const h = harness();
    const ev = h.agent.incident('inc_00002')!.evidence[1]!;
    await handleViewMessage({ type: 'select', requestId: 1, incidentId: 'inc_00002' }, h.deps);
    await handleViewMessage({ type: 'openEvidence', file: ev.file, line: ev.line }, h.deps);
    await handleViewMessage({ type: 'openEvidence', file: '/etc/passwd', line: 1 }, h.deps);
    await handleViewMessage({ type: 'openEvidence', file: ev.file, line: 999_999 }, h.deps);
    assert.deepEqual(h.opened, [ev]);
    assert.equal(h.warnings.filter((w) => /refused to open/.test(w)).length, 2);
  });
});

describe('VS Code dashboard panel: HTML and CSP', () => {
  const source = 'https://abc.vscode-cdn.net';

  it('the CSP is exactly the strict policy', () => {
    assert.equal(
      webviewCsp(source, 'N0nce'),
      `default-src 'none'; img-src ${source} data:; style-src ${source}; script-src 'nonce-N0nce'; font-src ${source}`,
    );
  });

  it('the page loads one nonce-tagged script and one stylesheet, nothing inline', () => {
    const nonce = makeNonce();
    const html = renderWebviewHtml({ cspSource: source, nonce, scriptUri: `${source}/dist/webview/dashboard.js`, styleUri: `${source}/media/dashboard.css` });
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(html.includes(`<script nonce="${nonce}" src="${source}/dist/webview/dashboard.js"></script>`));
    assert.ok(html.includes(`content="default-src 'none';`));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|\sstyle=|\son\w+=/);
  });

  it('nonces are fresh per load and long enough', () => {
    const seen = new Set(Array.from({ length: 200 }, makeNonce));
    assert.equal(seen.size, 200);
    assert.ok([...seen].every((n) => Buffer.from(n, 'base64').length >= 16));
  });
});
