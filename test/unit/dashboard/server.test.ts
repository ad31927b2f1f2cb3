import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BindRefusedError, startDashboardServer, type DashboardServer } from '../../../src/server/dashboard-server';
import type { DashboardPatch, DashboardState } from '../../../src/shared/dashboard-protocol';
import { FakeAgent, makeIncident } from '../../fakes/fake-agent';

/** Raw HTTP so the client never normalises `..` or re-encodes the path the way a browser would. */
function request(
  srv: DashboardServer,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(srv.origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      // The server may answer 413 and close before the whole body is written.
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') return;
      reject(err);
    });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('browser dashboard server (real HTTP)', function () {
  let root: string;
  let outside: string;
  let agent: FakeAgent;
  let srv: DashboardServer;
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${srv.token}` });

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'cosmos-srv-'));
    outside = mkdtempSync(path.join(tmpdir(), 'cosmos-outside-'));
    mkdirSync(path.join(root, 'dist', 'webview'), { recursive: true });
    mkdirSync(path.join(root, 'media'), { recursive: true });
    writeFileSync(path.join(root, 'dist', 'webview', 'dashboard.js'), 'console.log("dashboard")');
    writeFileSync(path.join(root, 'media', 'dashboard.css'), 'body{}');
    writeFileSync(path.join(root, 'media', '.secret.css'), 'hidden');
    writeFileSync(path.join(root, 'package.json'), '{"name":"SECRET-PACKAGE"}');
    writeFileSync(path.join(outside, 'leak.css'), 'SECRET-OUTSIDE');
    symlinkSync(path.join(outside, 'leak.css'), path.join(root, 'media', 'link.css'));
    agent = new FakeAgent({ count: 30 });
    srv = await startDashboardServer({ agent, port: 0, assetsDir: root, feed: { coalesceMs: 5, trendsMs: 50 } });
  });

  after(async () => {
    await srv.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  describe('binding', () => {
    it('binds to loopback by default and puts the token only in the URL fragment', () => {
      assert.match(srv.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(srv.url, `${srv.origin}/#token=${srv.token}`);
      assert.ok(Buffer.from(srv.token, 'base64url').length >= 32);
    });

    it('refuses a non-loopback host without allowRemote', async () => {
      await assert.rejects(startDashboardServer({ agent, port: 0, host: '0.0.0.0', assetsDir: root }), BindRefusedError);
      await assert.rejects(startDashboardServer({ agent, port: 0, host: '192.168.1.20', assetsDir: root }), /not a loopback address/);
    });

    it('binds elsewhere with allowRemote, and warns', async () => {
      const warnings: string[] = [];
      const remote = await startDashboardServer({ agent, port: 0, host: '0.0.0.0', allowRemote: true, assetsDir: root, log: (l, m) => l === 'warn' && warnings.push(m) });
      await remote.close();
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /exposed on 0\.0\.0\.0.*Anyone with the token can approve actions/);
    });

    it('each run gets its own token', async () => {
      const other = await startDashboardServer({ agent, port: 0, assetsDir: root });
      await other.close();
      assert.notEqual(other.token, srv.token);
    });
  });

  describe('token', () => {
    for (const [name, headers] of [
      ['no token', {}],
      ['a wrong token', { Authorization: 'Bearer nope' }],
      ['a token of the right length but wrong', { 'X-Cosmos-Token': 'A'.repeat(43) }],
      ['the token as a cookie', { Cookie: 'token=whatever' }],
    ] as const) {
      it(`rejects /api with ${name}: 401`, async () => {
        for (const p of ['/api/state', '/api/events', '/api/incidents/inc_00001']) {
          const r = await request(srv, { path: p, headers: { ...headers } });
          assert.equal(r.status, 401, p);
          assert.doesNotMatch(r.body, /inc_000/);
        }
        const post = await request(srv, { method: 'POST', path: '/api/approvals/apr_inc_00000/approve', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{}' });
        assert.equal(post.status, 401);
        assert.equal(agent.calls.approve.length, 0);
      });
    }

    it('accepts the token as Bearer or X-Cosmos-Token', async () => {
      const a = await request(srv, { path: '/api/state', headers: auth() });
      assert.equal(a.status, 200);
      const state = JSON.parse(a.body) as DashboardState;
      assert.equal(state.incidents.length, 30);
      const b = await request(srv, { path: '/api/state', headers: { 'X-Cosmos-Token': srv.token } });
      assert.equal(b.status, 200);
      assert.equal(b.headers['cache-control'], 'no-store');
    });

    it('the shell carries no token and no data', async () => {
      const r = await request(srv, { path: '/' });
      assert.equal(r.status, 200);
      assert.ok(!r.body.includes(srv.token));
      assert.doesNotMatch(r.body, /inc_000/);
    });
  });

  describe('cross-origin', () => {
    it('rejects a foreign Origin even with the token: 403', async () => {
      const r = await request(srv, { path: '/api/state', headers: { ...auth(), Origin: 'http://evil.example' } });
      assert.equal(r.status, 403);
      const post = await request(srv, {
        method: 'POST',
        path: '/api/approvals/apr_inc_00000/approve',
        headers: { ...auth(), Origin: 'http://evil.example', 'Content-Type': 'application/json' },
        body: '{}',
      });
      assert.equal(post.status, 403);
      assert.equal(agent.calls.approve.length, 0);
    });

    it('rejects Sec-Fetch-Site cross-site / same-site: 403', async () => {
      for (const site of ['cross-site', 'same-site']) {
        const r = await request(srv, { path: '/api/state', headers: { ...auth(), 'Sec-Fetch-Site': site } });
        assert.equal(r.status, 403, site);
      }
      const ok = await request(srv, { path: '/api/state', headers: { ...auth(), 'Sec-Fetch-Site': 'same-origin', Origin: srv.origin } });
      assert.equal(ok.status, 200);
    });

    it('rejects a foreign Host (DNS rebinding): 403', async () => {
      const port = new URL(srv.origin).port;
      const r = await request(srv, { path: '/api/state', headers: { ...auth(), Host: `rebind.evil.example:${port}` } });
      assert.equal(r.status, 403);
      const shell = await request(srv, { path: '/', headers: { Host: `rebind.evil.example:${port}` } });
      assert.equal(shell.status, 403);
      const local = await request(srv, { path: '/api/state', headers: { ...auth(), Host: `localhost:${port}` } });
      assert.equal(local.status, 200);
    });

    it('the shell forbids framing and sets a nonce CSP', async () => {
      const r = await request(srv, { path: '/' });
      const csp = String(r.headers['content-security-policy']);
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce);
      assert.ok(r.body.includes(`<script nonce="${nonce}" src="/assets/webview/dashboard.js">`));
      assert.match(csp, /^default-src 'none'; /);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https:/);
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      const again = await request(srv, { path: '/' });
      assert.notEqual(/nonce-([^']+)/.exec(String(again.headers['content-security-policy']))?.[1], nonce);
    });
  });

  describe('static files', () => {
    it('serves the bundle and the stylesheet with their types', async () => {
      const js = await request(srv, { path: '/assets/webview/dashboard.js' });
      assert.equal(js.status, 200);
      assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
      const css = await request(srv, { path: '/assets/media/dashboard.css' });
      assert.equal(css.status, 200);
      assert.equal(css.body, 'body{}');
    });

    const traversals = [
      '/assets/webview/../../package.json',
      '/assets/media/../package.json',
      '/assets/webview/%2e%2e/%2e%2e/package.json',
      '/assets/webview/%2E%2E/%2E%2E/package.json',
      '/assets/media/.%2e/package.json',
      '/assets/webview/..%2f..%2fpackage.json',
      '/assets/webview/..%2F..%2Fpackage.json',
      '/assets/media/..%5c..%5cpackage.json',
      '/assets/media/..\\package.json',
      '/assets/webview/%252e%252e/%252e%252e/package.json',
      '/assets/media/%00../package.json',
      '/assets/media//etc/passwd',
      '/assets/media/....//....//package.json',
      '/assets/media/.secret.css',
      '/assets/media/link.css',
      '/assets/webview/%c0%ae%c0%ae/package.json',
      '/assets/media/%2e%2e',
      '/../package.json',
      '/assets/../package.json',
    ];
    for (const p of traversals) {
      it(`refuses ${p} (403/404, no content)`, async () => {
        const r = await request(srv, { path: p });
        assert.ok(r.status === 403 || r.status === 404 || r.status === 400, `${p} → ${r.status}`);
        assert.doesNotMatch(r.body, /SECRET|root:|hidden/);
      });
    }
  });

  describe('approvals API', () => {
    const post = (p: string, body: string | Buffer, headers: Record<string, string> = {}) =>
      request(srv, { method: 'POST', path: p, headers: { ...auth(), 'Content-Type': 'application/json', ...headers }, body });

    it('rejects an oversized body: 413', async () => {
      const big = JSON.stringify({ reason: 'x'.repeat(64 * 1024) });
      const r = await post('/api/approvals/apr_inc_00001/reject', big);
      assert.equal(r.status, 413);
      const chunked = await request(srv, {
        method: 'POST',
        path: '/api/approvals/apr_inc_00001/reject',
        headers: { ...auth(), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        body: big,
      });
      assert.equal(chunked.status, 413);
      assert.equal(agent.calls.reject.length, 0);
    });

    it('rejects a non-JSON content type (415), bad JSON (400), unexpected fields (400), GET (405)', async () => {
      assert.equal((await post('/api/approvals/apr_inc_00001/approve', '{}', { 'Content-Type': 'text/plain' })).status, 415);
      assert.equal((await post('/api/approvals/apr_inc_00001/approve', '{nope')).status, 400);
      assert.equal((await post('/api/approvals/apr_inc_00001/approve', '{"by":"admin"}')).status, 400);
      assert.equal((await request(srv, { path: '/api/approvals/apr_inc_00001/approve', headers: auth() })).status, 405);
      assert.equal(agent.calls.approve.length, 0);
    });

    it('approves through the agent once; a second approval is refused (409); unknown ids are 404', async () => {
      const a = agent.approvals({ status: 'pending' })[0]!;
      const r = await post(`/api/approvals/${encodeURIComponent(a.id)}/approve`, '{}');
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body), { ok: true, message: `Executed ${a.type} for ${a.incidentId}` });
      assert.deepEqual(agent.calls.approve, [{ id: a.id, by: 'browser dashboard' }]);
      const again = await post(`/api/approvals/${encodeURIComponent(a.id)}/approve`, '{}');
      assert.equal(again.status, 409);
      assert.equal((await post('/api/approvals/apr_missing/approve', '{}')).status, 404);
    });

    it('rejects with the given reason', async () => {
      const a = agent.approvals({ status: 'pending' })[0]!;
      const r = await post(`/api/approvals/${encodeURIComponent(a.id)}/reject`, JSON.stringify({ reason: 'wrong merchant list' }));
      assert.equal(r.status, 200);
      assert.deepEqual(agent.calls.reject.at(-1), { id: a.id, by: 'browser dashboard', reason: 'wrong merchant list' });
    });
  });

  describe('live updates (server-sent events)', () => {
    it('streams a hello with the current seq, then a patch with the changed incident', async () => {
      const url = new URL(srv.origin);
      const events: { event: string; data: string }[] = [];
      const req = http.request({ host: url.hostname, port: url.port, path: '/api/events', headers: auth(), agent: false });
      const got = new Promise<void>((resolve, reject) => {
        req.on('response', (res) => {
          assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
          let buf = '';
          res.on('data', (c: Buffer) => {
            buf += c.toString('utf8');
            let cut: number;
            while ((cut = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, cut);
              buf = buf.slice(cut + 2);
              const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
              const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
              events.push({ event, data });
              if (event === 'hello') agent.update({ ...makeIncident(7), title: 'Updated title seen live' });
              if (event === 'patch' && data.includes('Updated title seen live')) resolve();
            }
          });
        });
        req.on('error', reject);
      });
      req.end();
      await got;
      req.destroy();
      assert.equal(events[0]!.event, 'hello');
      const patch = JSON.parse(events.find((e) => e.event === 'patch' && e.data.includes('Updated'))!.data) as DashboardPatch;
      assert.equal(patch.upserts[0]!.id, 'inc_00007');
      assert.ok(patch.upserts[0]!.rev >= 1);
      assert.ok(patch.seq > JSON.parse(events[0]!.data).seq);
    });
  });
});
