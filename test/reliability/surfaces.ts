import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { createNodeAgent } from '../../src/adapters/node/create-node-agent';
import { makeConfig } from '../../src/core/config/config';
import { BindRefusedError, startDashboardServer, type DashboardServer } from '../../src/server/dashboard-server';
import { buildAssets, launchChromium } from '../browser/harness';
import { XSS_PAYLOADS } from '../browser/xss-payloads';
import { FakeAgent } from '../fakes/fake-agent';
import { FakeOllama } from '../fakes/fake-ollama';
import { REPO } from './cli-bundle';
import { areaCommand, Examples, figureMaker, seconds, type Figure, type RunOptions } from './figure';

/**
 * Surfaces. The CLI dashboard server over real HTTP (raw sockets, so paths reach it exactly as written); hostile
 * text through the real agent, the real server and the real dashboard bundle in Debian's Chromium; and the
 * Workspace Trust result recorded by the real VS Code walk of `npm run test:e2e`.
 */
const AREA = 'surfaces';

interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/** One HTTP/1.1 request over a raw socket: no client-side path normalisation or header fixing. */
function raw(port: number, request: string, body: Buffer | string = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => (chunks.length ? undefined : reject(err)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body: rest.join('\r\n\r\n') });
    });
    // No half-close: `Connection: close` lets the server end the exchange once it has answered.
    socket.write(request);
    if (body.length) socket.write(body);
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

function req(method: string, target: string, port: number, headers: Record<string, string> = {}): string {
  const all = { Host: `127.0.0.1:${port}`, Connection: 'close', ...headers };
  return `${method} ${target} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}

interface ServerTally {
  tokenCases: number;
  tokenAccepted: Examples;
  originCases: number;
  originAccepted: Examples;
  traversalCases: number;
  traversalServed: Examples;
  traversalStatuses: string;
  bodyCases: number;
  bodyAccepted: Examples;
  loopback: Examples;
  loopbackChecks: number;
  controls: Examples;
  approveCalls: number;
}

const MARKER = 'OUTSIDE-THE-ASSET-FOLDER-1f9c';

async function serverChecks(): Promise<ServerTally> {
  const t: ServerTally = {
    tokenCases: 0,
    tokenAccepted: new Examples(),
    originCases: 0,
    originAccepted: new Examples(),
    traversalCases: 0,
    traversalServed: new Examples(),
    traversalStatuses: '',
    bodyCases: 0,
    bodyAccepted: new Examples(),
    loopback: new Examples(),
    loopbackChecks: 0,
    controls: new Examples(),
    approveCalls: 0,
  };
  // A package folder with the two asset roots, a secret beside them and a symlink pointing out of them.
  const pkg = mkdtempSync(path.join(tmpdir(), 'cosmos-rel-srv-'));
  mkdirSync(path.join(pkg, 'dist', 'webview'), { recursive: true });
  mkdirSync(path.join(pkg, 'media'), { recursive: true });
  writeFileSync(path.join(pkg, 'dist', 'webview', 'dashboard.js'), 'console.log("ok")');
  writeFileSync(path.join(pkg, 'media', 'dashboard.css'), 'body{}');
  writeFileSync(path.join(pkg, 'secret.css'), MARKER);
  writeFileSync(path.join(pkg, 'dist', 'secret.js'), MARKER);
  writeFileSync(path.join(pkg, 'media', '.hidden.css'), MARKER);
  symlinkSync(path.join(pkg, 'secret.css'), path.join(pkg, 'media', 'link.css'));
  const agent = new FakeAgent({ count: 4 });
  const approval = agent.approvals({ status: 'pending' })[0];
  const srv = await startDashboardServer({ agent, port: 0, assetsDir: pkg, maxBodyBytes: 16 * 1024 });
  const port = Number(new URL(srv.origin).port);
  const token = srv.token;
  const auth = { Authorization: `Bearer ${token}` };
  const approvePath = `/api/approvals/${encodeURIComponent(approval?.id ?? 'APR-1')}/approve`;
  try {
    // Controls: the same requests with the token and same origin succeed (so a refusal means something).
    const ok1 = await raw(port, req('GET', '/api/state', port, auth));
    if (ok1.status !== 200) t.controls.add(`GET /api/state with the token: ${ok1.status}`);
    const ok2 = await raw(port, req('GET', '/assets/media/dashboard.css', port));
    if (ok2.status !== 200) t.controls.add(`GET /assets/media/dashboard.css: ${ok2.status}`);

    // Token.
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const tokenCases: Array<[string, string]> = [
      ['GET /api/state, no token', req('GET', '/api/state', port)],
      ['GET /api/state, wrong token', req('GET', '/api/state', port, { Authorization: `Bearer ${wrong}` })],
      ['GET /api/state, token prefix', req('GET', '/api/state', port, { Authorization: `Bearer ${token.slice(0, 10)}` })],
      ['GET /api/state, token in the query', req('GET', `/api/state?token=${token}`, port)],
      ['GET /api/state, token in a cookie', req('GET', '/api/state', port, { Cookie: `token=${token}` })],
      ['GET /api/state, Basic auth', req('GET', '/api/state', port, { Authorization: `Basic ${Buffer.from(`u:${token}`).toString('base64')}` })],
      ['GET /api/state, empty bearer', req('GET', '/api/state', port, { Authorization: 'Bearer ' })],
      ['GET /api/events, no token', req('GET', '/api/events', port)],
      ['GET /api/incidents/INC-1, no token', req('GET', '/api/incidents/INC-1', port)],
      ['POST approve, no token', req('POST', approvePath, port, { 'Content-Type': 'application/json', 'Content-Length': '2' }) + '{}'],
      ['POST approve, wrong token', req('POST', approvePath, port, { Authorization: `Bearer ${wrong}`, 'Content-Type': 'application/json', 'Content-Length': '2' }) + '{}'],
      ['POST reject, no token', req('POST', approvePath.replace(/approve$/, 'reject'), port, { 'Content-Type': 'application/json', 'Content-Length': '15' }) + '{"reason":"no"}'],
      ['GET /API/state (case), no token', req('GET', '/API/state', port)],
      ['GET //api/state, no token', req('GET', '//api/state', port)],
      ['GET /api/%73tate, no token', req('GET', '/api/%73tate', port)],
    ];
    for (const [label, request] of tokenCases) {
      t.tokenCases++;
      const r = await raw(port, request);
      if (r.status < 400 || /"incidents"|"seq"/.test(r.body)) t.tokenAccepted.add(`${label}: ${r.status || 'no answer'}`);
    }

    // Cross-origin and DNS rebinding, each with the right token.
    const originCases: Array<[string, Record<string, string>]> = [
      ['Origin http://evil.example', { Origin: 'http://evil.example' }],
      ['Origin null', { Origin: 'null' }],
      ['Origin with another port', { Origin: `http://127.0.0.1:${port + 1}` }],
      ['Origin https same host', { Origin: `https://127.0.0.1:${port}` }],
      ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
      ['Host evil.example (rebinding)', { Host: `evil.example:${port}` }],
      ['Host 127.0.0.1.nip.io (rebinding)', { Host: `127.0.0.1.nip.io:${port}` }],
      ['Host without port', { Host: '127.0.0.1' }],
      ['Host missing', { Host: '' }],
    ];
    for (const [label, headers] of originCases) {
      for (const [method, target, body] of [
        ['GET', '/api/state', ''],
        ['POST', approvePath, '{}'],
      ] as const) {
        t.originCases++;
        const h: Record<string, string> = { ...auth, ...headers, ...(method === 'POST' ? { 'Content-Type': 'application/json', 'Content-Length': '2' } : {}) };
        let request = req(method, target, port, h);
        if (headers.Host === '') request = request.replace(/Host: \r\n/, '');
        const r = await raw(port, request + body);
        if (r.status < 400) t.originAccepted.add(`${label} ${method} ${target}: ${r.status || 'no answer'}`);
      }
    }

    // Static paths that try to leave the asset folders.
    const escapes = [
      '../../secret.css',
      '../secret.js',
      '..%2f..%2fsecret.css',
      '%2e%2e/%2e%2e/secret.css',
      '%2E%2E%2F%2E%2E%2Fsecret.css',
      '.%2e/.%2e/secret.css',
      '%2e./%2e./secret.css',
      '..\\..\\secret.css',
      '..%5c..%5csecret.css',
      '%5c..%5c..%5csecret.css',
      '....//....//secret.css',
      '..%252f..%252fsecret.css',
      '%252e%252e/%252e%252e/secret.css',
      '%c0%ae%c0%ae/%c0%ae%c0%ae/secret.css',
      '%e0%80%ae%e0%80%ae/secret.css',
      'x/../../../secret.css',
      '..;/..;/secret.css',
      '/../../secret.css',
      '//etc/passwd',
      '%2fetc%2fpasswd',
      '..%00/secret.css',
      'dashboard.css%00.js',
      'link.css',
      '.hidden.css',
      '%2ehidden.css',
      '..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '../../../../../../etc/passwd',
    ];
    const statuses = new Map<number, number>();
    for (const prefix of ['/assets/media/', '/assets/webview/']) {
      for (const e of escapes) {
        t.traversalCases++;
        const r = await raw(port, req('GET', prefix + e, port));
        // A refusal is a 4xx answer; no answer at all would not prove anything, so it counts against the target.
        if (r.status < 400 || r.status >= 500 || r.body.includes(MARKER) || r.body.includes('root:x:')) t.traversalServed.add(`${prefix}${e}: ${r.status || 'no answer'}`);
        else statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }

    t.traversalStatuses = [...statuses].map(([k, v]) => `${v}× ${k}`).join(', ');

    // Bodies over the limit, declared or streamed.
    const big = Buffer.alloc(1024 * 1024, 'a');
    const bodyCases: Array<[string, string, Buffer | string]> = [
      ['1 MB declared', req('POST', approvePath, port, { ...auth, 'Content-Type': 'application/json', 'Content-Length': String(big.length) }), big],
      ['1 MB chunked', req('POST', approvePath, port, { ...auth, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }), Buffer.concat([Buffer.from(`${big.length.toString(16)}\r\n`), big, Buffer.from('\r\n0\r\n\r\n')])],
      ['16 KB + 1 declared', req('POST', approvePath, port, { ...auth, 'Content-Type': 'application/json', 'Content-Length': String(16 * 1024 + 1) }), Buffer.alloc(16 * 1024 + 1, ' ')],
      ['Content-Length smaller than the body', req('POST', approvePath, port, { ...auth, 'Content-Type': 'application/json', 'Content-Length': '2' }), `{}${' '.repeat(64 * 1024)}`],
      ['1 MB reject reason', req('POST', approvePath.replace(/approve$/, 'reject'), port, { ...auth, 'Content-Type': 'application/json', 'Content-Length': String(big.length + 14) }), `{"reason":"${big.toString()}"}`],
      ['not JSON content type', req('POST', approvePath, port, { ...auth, 'Content-Type': 'text/plain', 'Content-Length': '2' }), '{}'],
    ];
    const before = agent.calls.approve.length + agent.calls.reject.length;
    for (const [label, request, body] of bodyCases) {
      t.bodyCases++;
      const r = await raw(port, request, body).catch((err: Error) => ({ status: 0, headers: '', body: err.message }));
      // Refused with a 4xx, or the connection was cut: either way nothing was approved.
      if (r.status !== 0 && (r.status < 400 || r.status >= 500)) t.bodyAccepted.add(`${label}: ${r.status}`);
    }
    t.approveCalls = agent.calls.approve.length + agent.calls.reject.length - before - 1; // the 'smaller than the body' request carries a valid {} first

    // Loopback by default.
    t.loopbackChecks++;
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(srv.origin)) t.loopback.add(`default origin ${srv.origin}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((n) => n && n.family === 'IPv4' && !n.internal)?.address;
    if (external) {
      t.loopbackChecks++;
      const reachable = await new Promise<boolean>((resolve) => {
        const s = connect(port, external);
        s.on('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      if (reachable) t.loopback.add(`reachable on ${external}:${port}`);
    }
    for (const host of ['0.0.0.0', '::', external].filter((h): h is string => !!h)) {
      t.loopbackChecks++;
      try {
        const s = await startDashboardServer({ agent, port: 0, assetsDir: pkg, host });
        await s.close();
        t.loopback.add(`started on ${host} without allowRemote`);
      } catch (err) {
        if (!(err instanceof BindRefusedError)) t.loopback.add(`${host}: ${String(err)}`);
      }
    }
  } finally {
    await srv.close();
    rmSync(pkg, { recursive: true, force: true });
  }
  return t;
}

// ---- XSS through the real agent ----------------------------------------------------------------------------------

interface XssTally {
  payloads: number;
  incidents: number;
  visited: number;
  executions: number;
  dialogs: number;
  csp: string[];
  cspHeader: string;
  cspProblems: string[];
  foreignRequests: string[];
  pageErrors: string[];
  controlFired: boolean;
  llmExplanationsShown: number;
}

/** Data whose merchant ids, error codes, ticket issues and texts, and the model's answers, are the payloads. */
function hostileFolder(dir: string, payloads: readonly string[]): void {
  const events: string[] = [];
  const tickets: string[] = [];
  const t0 = Date.UTC(2026, 0, 31, 8, 0, 0);
  payloads.forEach((p, i) => {
    const at = (k: number) => new Date(t0 + i * 3_600_000 + k * 30_000).toISOString();
    const code = payloads[(i + 1) % payloads.length]!;
    for (let k = 0; k < 6; k++) events.push(JSON.stringify({ event_id: `E${i}-${k}`, merchant_id: p, error_code: code, service: 'checkout', endpoint: payloads[(i + 4) % payloads.length], timestamp: at(k), message: p }));
    for (let k = 0; k < 2; k++) tickets.push(JSON.stringify({ ticket_id: `T${i}-${k}`, merchant_id: p, issue: payloads[(i + 3) % payloads.length], subject: p, message: payloads[(i + 2) % payloads.length], timestamp: at(k + 1) }));
  });
  writeFileSync(path.join(dir, 'events.ndjson'), `${events.join('\n')}\n`);
  writeFileSync(path.join(dir, 'tickets.ndjson'), `${tickets.join('\n')}\n`);
}

async function xssChecks(quick: boolean): Promise<XssTally> {
  const payloads = XSS_PAYLOADS;
  const t: XssTally = { payloads: payloads.length, incidents: 0, visited: 0, executions: 0, dialogs: 0, csp: [], cspHeader: '', cspProblems: [], foreignRequests: [], pageErrors: [], controlFired: false, llmExplanationsShown: 0 };
  const root = mkdtempSync(path.join(tmpdir(), 'cosmos-rel-xss-'));
  const assets = await buildAssets();
  let i = 0;
  // The model answers with a payload as its explanation and unknowns (an LLM answer is untrusted text too).
  const fake = await FakeOllama.start({
    answer: () => {
      const p = payloads[i++ % payloads.length]!;
      return JSON.stringify({ hypotheses: [{ cause: 'platform_regression', confidence: 0.6, explanation: p.slice(0, 200), evidence: ['T1'] }], unknowns: [p.slice(0, 100)] });
    },
  });
  const browser = await launchChromium();
  let srv: DashboardServer | undefined;
  const dir = path.join(root, 'data');
  mkdirSync(dir);
  hostileFolder(dir, payloads);
  const node = await createNodeAgent({ roots: [dir], stateDir: path.join(root, 'state'), trusted: true, config: makeConfig({ llm: { mode: 'on', host: fake.url, timeoutMs: 5000 }, act: { outDir: path.join(root, 'out') } }) });
  try {
    const report = await node.agent.analyzeOnce();
    t.incidents = report.incidents.length;
    t.llmExplanationsShown = report.incidents.filter((x) => (x.hypotheses ?? []).some((h) => h.source.kind === 'llm')).length;
    srv = await startDashboardServer({ agent: node.agent, port: 0, assetsDir: assets.root });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page: Page = await context.newPage();
    await page.exposeFunction('__xss', () => void t.executions++);
    page.on('dialog', (d) => {
      t.dialogs++;
      void d.dismiss();
    });
    page.on('pageerror', (e) => t.pageErrors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(srv!.origin)) t.foreignRequests.push(r.url());
    });
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const response = await page.goto(srv.url);
    t.cspHeader = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    for (const need of ["default-src 'none'", "script-src 'nonce-", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]) {
      if (!t.cspHeader.includes(need)) t.cspProblems.push(`missing ${need}`);
    }
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", 'https:', 'http:', '*']) if (t.cspHeader.includes(bad)) t.cspProblems.push(`allows ${bad}`);
    await page.locator('.trace-title').waitFor({ timeout: 20_000 });
    const ids = report.incidents.map((x) => x.id);
    const visit = quick ? ids.filter((_, k) => k % 2 === 0) : ids;
    let opened = false;
    for (const id of visit) {
      await page.fill('.search', id);
      await page.locator(`.row[data-id="${id}"]`).first().click();
      await page.locator('.trace-meta .mono', { hasText: id }).first().waitFor({ timeout: 10_000 });
      if (!opened) {
        for (const s of ['Prompt sent (redacted)', 'Raw answer']) {
          const summary = page.locator('summary', { hasText: s });
          if ((await summary.count()) > 0) await summary.first().click();
        }
        opened = true;
      }
      t.visited++;
    }
    for (const tab of ['trends', 'incidents']) {
      const b = page.locator(`button[data-tab="${tab}"]`);
      if ((await b.count()) > 0) await b.click();
    }
    await page.waitForTimeout(300);
    t.csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    // Control: markup injected outside the rendering path does trip the detectors.
    await page.evaluate(() => {
      const d = document.createElement('div');
      d.innerHTML = '<img src=x onerror=__xss(0)>';
      document.body.appendChild(d);
    });
    await page.waitForTimeout(300);
    const after = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp.length);
    t.controlFired = after > t.csp.length;
    await context.close();
  } finally {
    await srv?.close();
    node.agent.dispose();
    await browser.close();
    await fake.close();
    assets.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
  return t;
}

// ---- Workspace Trust (recorded by the e2e walk) --------------------------------------------------------------------

function trustResult(): { pass: boolean; value: string; details: string } {
  const file = path.join(REPO, 'test', 'e2e', 'artifacts', 'summary.json');
  if (!existsSync(file)) return { pass: false, value: 'not measured in this run', details: 'no test/e2e/artifacts/summary.json: run `npm run test:e2e` (CI runs it before this suite)' };
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as { results: { suite: string; step: string; ok: boolean; detail?: string }[] };
    const restricted = s.results.filter((r) => r.suite === 'restricted');
    const nothing = restricted.find((r) => /0 actions executed, 0 LLM calls, 0 posts/.test(r.step));
    const ok = restricted.length > 0 && restricted.every((r) => r.ok) && nothing !== undefined;
    const when = statSync(file).mtime.toISOString().slice(0, 16).replace('T', ' ');
    if (restricted.length === 0) {
      return { pass: false, value: 'not measured in this run', details: `test/e2e/artifacts/summary.json (${when} UTC) holds no Restricted Mode results (suites: ${[...new Set(s.results.map((r) => r.suite))].join(', ')}): run the full \`npm run test:e2e\`` };
    }
    return {
      pass: ok,
      value: 'see e2e: npm run test:e2e',
      details: `test/e2e/artifacts/summary.json (${when} UTC): ${restricted.filter((r) => r.ok).length}/${restricted.length} Restricted Mode steps ok${nothing ? `; "${nothing.step}": ${nothing.detail ?? ''}` : '; the "0 actions, 0 LLM calls, 0 posts" step is missing'}`,
    };
  } catch (err) {
    return { pass: false, value: 'not measured in this run', details: `unreadable summary.json: ${String(err)}` };
  }
}

export async function run(opts: RunOptions): Promise<Figure[]> {
  const fig = figureMaker('Surfaces', areaCommand(AREA, opts.quick));
  const t0 = Date.now();
  const s = await serverChecks();
  const tServer = seconds(t0);
  const t1 = Date.now();
  const x = await xssChecks(opts.quick);
  const tXss = seconds(t1);
  const trust = trustResult();
  return [
    fig('dashboard server: requests without the per-run token accepted', `${s.tokenAccepted.count} of ${s.tokenCases}`, '0', s.tokenAccepted.count === 0 && s.controls.count === 0, [s.tokenAccepted.text(), s.controls.text() && `controls failed: ${s.controls.text()}`].filter(Boolean).join(' | ') || `controls (token, same origin) answered 200; ${tServer} s`),
    fig('dashboard server: cross-origin / foreign-Host requests accepted (with the token)', `${s.originAccepted.count} of ${s.originCases}`, '0', s.originAccepted.count === 0, s.originAccepted.text()),
    fig('dashboard server: static paths escaping the asset folders served (`../`, encoded, double-encoded, overlong, backslash, NUL, symlink, dot-file)', `${s.traversalServed.count} of ${s.traversalCases}`, '0', s.traversalServed.count === 0, s.traversalServed.text() ?? `answers: ${s.traversalStatuses}`),
    fig('dashboard server: oversized or malformed bodies accepted', `${s.bodyAccepted.count} of ${s.bodyCases}`, '0', s.bodyAccepted.count === 0 && s.approveCalls <= 0, s.bodyAccepted.text() ?? (s.approveCalls > 0 ? `${s.approveCalls} approvals reached the agent` : undefined)),
    fig('dashboard server: binds beyond loopback unless told', `${s.loopback.count} of ${s.loopbackChecks} checks`, '0', s.loopback.count === 0, s.loopback.text() ?? 'default 127.0.0.1; not reachable on the external address; 0.0.0.0 / :: / external refused without allowRemote'),
    fig(
      'XSS payloads in merchant ids, error codes, ticket issues/texts, endpoints and LLM answers (real agent, real bundle, Chromium)',
      `${x.payloads} payloads, ${x.incidents} incidents, ${x.visited} opened`,
      '≥ 50 payloads',
      x.payloads >= 50 && x.incidents > 0 && x.visited > 0 && x.llmExplanationsShown > 0,
      `${x.llmExplanationsShown} incidents carry a hostile model answer; ${tXss} s`,
    ),
    fig('script executions (page-level __xss hook, dialogs)', x.executions + x.dialogs, '0', x.executions + x.dialogs === 0 && x.controlFired, x.controlFired ? 'control: markup injected outside the rendering path is caught' : 'CONTROL FAILED: the detector did not fire on injected markup'),
    fig('CSP violation reports / requests leaving the origin', x.csp.length + x.foreignRequests.length, '0', x.csp.length + x.foreignRequests.length === 0, [...x.csp, ...x.foreignRequests].slice(0, 3).join(' | ') || undefined),
    fig('CSP asserted (default-src none, nonce scripts, no unsafe-inline/eval, no remote hosts)', x.cspProblems.length ? x.cspProblems.join('; ') : 'strict', 'strict', x.cspProblems.length === 0 && x.cspHeader !== '', x.cspHeader),
    { ...fig('Workspace Trust: Restricted Mode runs 0 actions, 0 outgoing requests, 0 LLM calls (real VS Code)', trust.value, '0 / 0 / 0 in the e2e walk', trust.pass, trust.details), command: 'npm run test:e2e (test/e2e/walk-restricted.ts)' },
  ];
}
