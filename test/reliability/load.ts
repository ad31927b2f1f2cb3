import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileJournal } from '../../src/adapters/node/file-journal';
import { ApprovalEntrySchema, readEntry } from '../../src/core/memory/entries';
import { cosmosBin } from './cli-bundle';
import { areaCommand, Examples, figureMaker, seconds, sleep, type Figure, type RunOptions } from './figure';
import { countingServer } from './proc';

/**
 * Load: `cosmos run DIR --port 0 --verbose` (spawned, as a user runs it) while a writer process appends events at a
 * fixed rate, and a person approves every pending action through the dashboard API (the journal's lock keeps a second
 * CLI process out while `run` holds the folder). Records processed are summed from the `observed N new record(s)`
 * log lines; RSS is sampled from /proc; side effects are counted at a local HTTP target per idempotency key.
 */
const AREA = 'load';
const RATE = 5000;

/** The writer: appends RATE events/s in 10 ms slices, then prints how many it wrote. */
const WRITER = `
const fs = require('node:fs');
const [file, rate, seconds] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const codes = [['http_401', 'webhook'], ['http_429', 'api'], ['http_500', 'api'], ['checkout_timeout', 'checkout'], ['http_404', 'frontend']];
let n = 0;
const t0 = Date.now();
const fd = fs.openSync(file, 'a');
function tick() {
  const elapsed = Date.now() - t0;
  if (elapsed >= seconds * 1000) { fs.closeSync(fd); process.stdout.write('WROTE ' + n + '\\n'); return; }
  const due = Math.min(Math.floor((elapsed / 1000) * rate), seconds * rate);
  let text = '';
  const now = new Date().toISOString();
  while (n < due) {
    const [code, service] = codes[n % codes.length];
    // A few merchants per code so incidents form (single, multi-merchant and platform-wide), plus noise.
    const merchant = 'M' + ((n * 7919) % (code === 'http_500' ? 14 : code === 'http_401' ? 4 : 2));
    text += JSON.stringify({ event_id: 'L' + n, merchant_id: merchant, error_code: code, service, endpoint: '/api/orders', timestamp: now }) + '\\n';
    n++;
  }
  if (text) fs.writeSync(fd, text);
  setTimeout(tick, 10);
}
tick();
`;

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function run(opts: RunOptions): Promise<Figure[]> {
  const duration = opts.quick ? 10 : 60;
  const bin = await cosmosBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'cosmos-rel-load-'));
  const server = await countingServer();
  const started = Date.now();
  const cosmos = spawn(process.execPath, [bin, 'run', dir, '--port', '0', '--verbose', '--llm', 'off', '--webhook-url', `${server.url}/hook`, '--escalation-url', `${server.url}/escalate`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let processed = 0;
  let cycles = 0;
  const errors = new Examples();
  cosmos.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  let errBuf = '';
  cosmos.stderr.setEncoding('utf8').on('data', (c: string) => {
    errBuf += c;
    let nl: number;
    while ((nl = errBuf.indexOf('\n')) >= 0) {
      const line = errBuf.slice(0, nl);
      errBuf = errBuf.slice(nl + 1);
      const m = /\[info\] observed (\d+) new record\(s\)/.exec(line);
      if (m) {
        processed += Number(m[1]);
        cycles++;
      }
      if (/^\[error\]|invalid record|Error/.test(line)) errors.add(line);
    }
  });
  const rss: { t: number; mb: number }[] = [];
  const sampler = setInterval(() => {
    const mb = rssMb(cosmos.pid!);
    if (mb !== undefined) rss.push({ t: Date.now() - started, mb });
  }, 500);

  const approvedOk = new Set<string>();
  const approveRefused = new Examples();
  let approveCalls = 0;
  let written = 0;
  let caughtUpMs = -1;
  try {
    // The dashboard URL carries the token.
    const t0 = Date.now();
    let url: URL | undefined;
    while (!url && Date.now() - t0 < 30_000) {
      const m = /dashboard: (http:\/\/\S+)#token=(\S+)/.exec(stdout);
      if (m) url = new URL(`${m[1]}?token=${m[2]}`);
      else await sleep(50);
    }
    if (!url) throw new Error(`cosmos run printed no dashboard URL: ${stdout.slice(0, 500)} ${errBuf.slice(0, 500)}`);
    const origin = url.origin;
    const token = url.searchParams.get('token')!;
    const headers = { Authorization: `Bearer ${token}` };

    const writer = spawn(process.execPath, ['-e', WRITER, path.join(dir, 'events.ndjson'), String(RATE), String(duration)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let writerOut = '';
    writer.stdout.setEncoding('utf8').on('data', (c: string) => (writerOut += c));
    const writerDone = new Promise<void>((r) => writer.on('close', () => r()));

    // A person approving whatever is pending, every half second, while the writer runs (and a little after).
    let writing = true;
    void writerDone.then(() => (writing = false));
    const approver = (async () => {
      const until = () => !writing && Date.now() - started > (duration + 5) * 1000;
      while (!until()) {
        try {
          const state = (await (await fetch(`${origin}/api/state`, { headers })).json()) as { approvals?: { id: string; status: string }[] };
          for (const a of (state.approvals ?? []).filter((x) => x.status === 'pending')) {
            if (approvedOk.has(a.id)) continue;
            approveCalls++;
            const r = await fetch(`${origin}/api/approvals/${encodeURIComponent(a.id)}/approve`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{}' });
            const body = (await r.json()) as { ok: boolean; message: string };
            if (body.ok) approvedOk.add(a.id);
            else approveRefused.add(`${a.id}: ${body.message}`);
          }
        } catch (err) {
          errors.add(`dashboard API: ${String(err)}`);
        }
        await sleep(500);
      }
    })();
    await writerDone;
    written = Number(/WROTE (\d+)/.exec(writerOut)?.[1] ?? 0);
    const writerEnd = Date.now();
    // The loop catches up: wait until everything written was observed (or give up after 30 s).
    while (processed < written && Date.now() - writerEnd < 30_000) await sleep(100);
    caughtUpMs = processed >= written ? Date.now() - writerEnd : -1;
    await approver;
    await sleep(1000);
  } finally {
    clearInterval(sampler);
    cosmos.kill('SIGINT');
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        cosmos.kill('SIGKILL');
        r();
      }, 15_000);
      cosmos.on('close', () => {
        clearTimeout(t);
        r();
      });
    });
  }

  // Every approval we got an ok for ran exactly once: one `done` in the journal, at most one POST per key.
  const doneCount = new Map<string, number>();
  const keyOf = new Map<string, string>();
  const journal = await FileJournal.open(path.join(dir, '.cosmos', 'state', 'journal.ndjson'), { readOnly: true });
  try {
    for await (const e of journal.entries()) {
      const a = readEntry(e, 'approval', ApprovalEntrySchema);
      if (!a) continue;
      if (a.status === 'pending' && a.key) keyOf.set(a.approvalId, a.key);
      if (a.status === 'done') doneCount.set(a.approvalId, (doneCount.get(a.approvalId) ?? 0) + 1);
    }
  } finally {
    await journal.close();
  }
  const notOnce = new Examples();
  for (const id of approvedOk) {
    const n = doneCount.get(id) ?? 0;
    const posts = server.counts.get(keyOf.get(id) ?? '') ?? 0;
    if (n !== 1 || posts > 1) notOnce.add(`${id}: ${n} done record(s), ${posts} POST(s) at the target`);
  }
  for (const [key, n] of server.counts) if (n > 1) notOnce.add(`POST key ${key.slice(0, 12)} received ${n} times`);
  const posts = server.total();
  await server.close();
  rmSync(dir, { recursive: true, force: true });

  const peak = Math.max(0, ...rss.map((s) => s.mb));
  const firstHalf = rss.filter((s) => s.t < (duration * 1000) / 2);
  const secondHalf = rss.filter((s) => s.t >= (duration * 1000) / 2 && s.t <= duration * 1000);
  const maxFirst = Math.max(0, ...firstHalf.map((s) => s.mb));
  const maxSecond = Math.max(0, ...secondHalf.map((s) => s.mb));
  const PEAK_LIMIT = 512;
  const fig = figureMaker('Load', areaCommand(AREA, opts.quick));
  const lost = Math.max(0, written - processed);
  const extra = Math.max(0, processed - written);
  return [
    fig(
      `\`cosmos run\` with a writer at ${RATE.toLocaleString('en')} events/s for ${duration} s, approving meanwhile`,
      `${written.toLocaleString('en')} written`,
      `≥ ${(RATE * duration * 0.95).toLocaleString('en')}`,
      written >= RATE * duration * 0.95 && errors.count === 0,
      `${cycles} loop cycles; caught up ${caughtUpMs >= 0 ? `${caughtUpMs} ms` : 'never (30 s)'} after the writer stopped; ${seconds(started)} s${errors.count ? `; errors: ${errors.text()}` : ''}`,
    ),
    fig('records lost (written − observed, from the log)', lost, '0', lost === 0 && extra === 0, `${processed.toLocaleString('en')} observed${extra ? `, ${extra} more than written (duplicates)` : ''}`),
    fig('memory (RSS of the cosmos process)', `peak ${Math.round(peak)} MB (1st half ${Math.round(maxFirst)}, 2nd half ${Math.round(maxSecond)})`, `peak < ${PEAK_LIMIT} MB, 2nd half ≤ 1.5 × 1st`, peak > 0 && peak < PEAK_LIMIT && maxSecond <= 1.5 * maxFirst, `${rss.length} samples every 500 ms`),
    fig('approvals executed exactly once (journal `done` + POSTs per idempotency key)', `${approvedOk.size - notOnce.count} of ${approvedOk.size}`, 'all, ≥ 1 approved', approvedOk.size > 0 && notOnce.count === 0, `${approveCalls} approve calls over the dashboard API, ${posts} POSTs at the target${approveRefused.count ? `; refused (already decided / superseded): ${approveRefused.count}, e.g. ${approveRefused.text()}` : ''}${notOnce.count ? `; ${notOnce.text()}` : ''}`),
  ];
}
