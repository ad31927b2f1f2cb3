import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { nodeFileAccess } from '../../src/adapters/node/node-file-access';
import { makeConfig } from '../../src/core/config/config';
import { SourceSet } from '../../src/core/observe/ingest/source-set';
import { areaCommand, Examples, figureMaker, seconds, sleep, type Figure, type RunOptions } from './figure';
import type { WriterOp } from './tailing-writer';

/**
 * Tailing model test (as Vector does for its file source, with fast-check's `fc.commands`): random histories of
 * append / burst / half line / rotate (rename + create) / copytruncate / delete / recreate / pause, executed by a
 * writer in another process, read by the real SourceSet polled as the loop polls it (discover, then poll). Every
 * line carries a unique sequence id. The model decides which lines are promised:
 *
 * - a line written to a file the reader had opened (it polled while that file was at the path) is promised,
 *   whatever happens to the file afterwards (a rotated or deleted file is drained through the open handle);
 * - not promised: lines of a file that was rotated away or deleted before any poll saw it (nothing could
 *   have read them), and, for copytruncate, the lines the reader had not read when the file was truncated
 *   (their copy goes to a file the reader does not follow). These may be missing, never duplicated.
 *
 * A writer finishes its half-written line before it rotates, truncates or deletes (loggers rotate at line ends).
 */
const AREA = 'tailing';

class Writer {
  private child: ChildProcess | undefined;
  private n = 0;
  private readonly waiting = new Map<number, (r: { ok: boolean; error?: string }) => void>();

  async start(): Promise<void> {
    const child = fork(path.join(__dirname, 'tailing-writer.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
    });
    child.on('message', (m: { n: number; ok: boolean; error?: string }) => {
      this.waiting.get(m.n)?.(m);
      this.waiting.delete(m.n);
    });
  }

  do(op: WriterOp): Promise<void> {
    const n = ++this.n;
    return new Promise((resolve, reject) => {
      this.waiting.set(n, (r) => (r.ok ? resolve() : reject(new Error(`writer ${op.op}: ${r.error}`))));
      this.child!.send({ n, op });
    });
  }

  stop(): void {
    this.child?.kill('SIGKILL');
  }
}

interface Gen {
  readonly id: number;
  /** The reader polled while this file was at the path: it holds a handle and will drain it. */
  opened: boolean;
  readonly seqs: number[];
}

interface World {
  readonly dir: string;
  readonly file: string;
  readonly set: SourceSet;
  readonly writer: Writer;
  gen: Gen | undefined;
  gens: number;
  nextSeq: number;
  /** Rest of a half-written line: its sequence id and the bytes still to write. */
  partial: { seq: number; rest: string } | undefined;
  readonly delivered: Map<number, number>;
  /** Lines outside the promise (see the header). */
  readonly maybe: Set<number>;
  readonly seqGen: Map<number, Gen>;
  invalid: string[];
  rotations: number;
  /** Where a rotated file goes: logrotate's default `events.ndjson.1`, or a name the source patterns match too. */
  readonly rotatedName: (n: number) => string;
}

function lineOf(seq: number): string {
  // The id first, so the head fingerprint of every file differs from the one before it.
  return `{"event_id":"s${seq}","merchant_id":"m${seq % 7}","error_code":"checkout_timeout","service":"checkout","timestamp":1700000000}\n`;
}

async function poll(w: World): Promise<void> {
  await w.set.discover();
  const batch = await w.set.poll({ final: false });
  for (const r of batch.records) {
    const seq = Number(r.id.slice(1));
    w.delivered.set(seq, (w.delivered.get(seq) ?? 0) + 1);
  }
  for (const inv of batch.invalid) w.invalid.push(`${inv.file}:${inv.line} ${inv.message}`);
  if (w.gen) w.gen.opened = true;
}

function newGen(w: World): Gen {
  w.gen = { id: ++w.gens, opened: false, seqs: [] };
  return w.gen;
}

/** Writes lines (optionally leaving the last one half-written); the file is created if missing. */
async function append(w: World, lines: number, writes: number, cut: number | undefined): Promise<void> {
  const gen = w.gen ?? newGen(w);
  const chunks: string[] = [];
  if (w.partial) {
    chunks.push(w.partial.rest);
    w.partial = undefined;
  }
  let text = '';
  for (let i = 0; i < lines; i++) {
    const seq = w.nextSeq++;
    gen.seqs.push(seq);
    w.seqGen.set(seq, gen);
    const line = lineOf(seq);
    if (i === lines - 1 && cut !== undefined) {
      const at = Math.max(1, Math.floor(line.length * cut));
      text += line.slice(0, at);
      w.partial = { seq, rest: line.slice(at) };
    } else {
      text += line;
    }
  }
  // Split the text into `writes` write() calls at arbitrary points (lines cut between writes).
  const per = Math.max(1, Math.ceil(text.length / Math.max(1, writes)));
  for (let i = 0; i < text.length; i += per) chunks.push(text.slice(i, i + per));
  if (chunks.length) await w.writer.do({ op: 'append', file: w.file, chunks });
}

async function finishPartial(w: World): Promise<void> {
  if (w.partial) await w.writer.do({ op: 'append', file: w.file, chunks: [w.partial.rest] });
  w.partial = undefined;
}

function undeliveredOf(w: World, gen: Gen): number[] {
  return gen.seqs.filter((s) => !w.delivered.has(s));
}

type Cmd = fc.AsyncCommand<object, World, boolean>;

const cmd = (label: string, run: (w: World) => Promise<void>): Cmd => ({
  check: () => true,
  run: async (_m, w) => run(w),
  toString: () => label,
});

const appendCmd = fc
  .record({ lines: fc.integer({ min: 1, max: 6 }), writes: fc.integer({ min: 1, max: 4 }), cut: fc.option(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { nil: undefined }) })
  .map(({ lines, writes, cut }) => cmd(`append(${lines}, ${writes} writes${cut !== undefined ? ', half line' : ''})`, (w) => append(w, lines, writes, cut)));

const burstCmd = fc
  .record({ lines: fc.integer({ min: 100, max: 1500 }), writes: fc.integer({ min: 1, max: 50 }) })
  .map(({ lines, writes }) => cmd(`burst(${lines}, ${writes} writes)`, (w) => append(w, lines, writes, undefined)));

const pollCmd = fc.constant(cmd('poll', poll));

const rotateCmd = fc.constant(
  cmd('rotate', async (w) => {
    if (!w.gen) return;
    await finishPartial(w);
    const old = w.gen;
    await w.writer.do({ op: 'rotate', file: w.file, to: path.join(w.dir, w.rotatedName(++w.rotations)) });
    if (!old.opened) for (const s of undeliveredOf(w, old)) w.maybe.add(s);
    newGen(w);
  }),
);

const copytruncateCmd = fc.constant(
  cmd('copytruncate', async (w) => {
    if (!w.gen) return;
    await finishPartial(w);
    await w.writer.do({ op: 'copytruncate', file: w.file, to: `${w.file}.c${++w.rotations}` });
    for (const s of undeliveredOf(w, w.gen)) w.maybe.add(s);
  }),
);

const deleteCmd = fc.constant(
  cmd('delete', async (w) => {
    if (!w.gen) return;
    await finishPartial(w);
    const old = w.gen;
    await w.writer.do({ op: 'delete', file: w.file });
    if (!old.opened) for (const s of undeliveredOf(w, old)) w.maybe.add(s);
    w.gen = undefined;
  }),
);

const recreateCmd = fc.constant(
  cmd('recreate', async (w) => {
    if (w.gen) return;
    await w.writer.do({ op: 'create', file: w.file });
    newGen(w);
  }),
);

const pauseCmd = fc.integer({ min: 0, max: 40 }).map((ms) => cmd(`pause(${ms} ms)`, (w) => w.writer.do({ op: 'pause', ms })));

const commands = fc.commands(
  [appendCmd, appendCmd, appendCmd, burstCmd, pollCmd, pollCmd, pollCmd, rotateCmd, copytruncateCmd, deleteCmd, recreateCmd, pauseCmd],
  { maxCommands: 30 },
);

interface Tally {
  histories: number;
  commands: number;
  written: number;
  delivered: number;
  promised: number;
  lost: Examples;
  duplicated: Examples;
  unexpected: Examples;
  invalid: Examples;
  outsidePromise: number;
  outsideDelivered: number;
  errors: Examples;
  ops: Map<string, number>;
}

type Naming = 'outside' | 'matching';

async function history(writer: Writer, cmds: Iterable<Cmd>, t: Tally, naming: Naming): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cosmos-tail-'));
  const file = path.join(dir, 'events.ndjson');
  const w: World = {
    dir,
    file,
    set: new SourceSet({ root: dir, files: nodeFileAccess, config: makeConfig() }),
    writer,
    gen: undefined,
    gens: 0,
    nextSeq: 1,
    partial: undefined,
    delivered: new Map(),
    maybe: new Set(),
    seqGen: new Map(),
    invalid: [],
    rotations: 0,
    rotatedName: naming === 'outside' ? (n) => `events.ndjson.${n}` : (n) => `events-2026013${n % 10}-${n}.ndjson`,
  };
  const labels: string[] = [];
  try {
    await writer.do({ op: 'create', file });
    newGen(w);
    // The reader is already following the folder when the writer starts.
    await poll(w);
    const list = [...cmds];
    for (const c of list) {
      labels.push(c.toString());
      const op = c.toString().replace(/\(.*$/, '');
      t.ops.set(op, (t.ops.get(op) ?? 0) + 1);
    }
    await fc.asyncModelRun(() => ({ model: {}, real: w }), list);
    // The writer stops; the loop keeps polling (hints, trailing re-check, safety poll).
    await finishPartial(w);
    for (let i = 0; i < 3; i++) {
      await poll(w);
      await sleep(5);
    }
    t.commands += list.length;
    const written = w.nextSeq - 1;
    t.written += written;
    const story = labels.join(' → ');
    for (let s = 1; s <= written; s++) {
      const n = w.delivered.get(s) ?? 0;
      if (n > 1) t.duplicated.add(`line s${s} delivered ${n} times in: ${story}`);
      if (w.maybe.has(s)) {
        t.outsidePromise++;
        if (n > 0) t.outsideDelivered++;
        continue;
      }
      t.promised++;
      if (n === 0) t.lost.add(`line s${s} (file #${w.seqGen.get(s)?.id}) never delivered in: ${story}`);
    }
    for (const [s, n] of w.delivered) {
      t.delivered += n;
      if (s < 1 || s > written) t.unexpected.add(`delivered s${s}, never written`);
    }
    for (const i of w.invalid) t.invalid.add(`${i} in: ${story}`);
  } catch (err) {
    t.errors.add(`${err instanceof Error ? err.message : String(err)} in: ${labels.join(' → ')}`);
  } finally {
    await w.set.dispose().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function newTally(): Tally {
  return {
    histories: 0,
    commands: 0,
    written: 0,
    delivered: 0,
    promised: 0,
    lost: new Examples(2),
    duplicated: new Examples(2),
    unexpected: new Examples(),
    invalid: new Examples(2),
    outsidePromise: 0,
    outsideDelivered: 0,
    errors: new Examples(),
    ops: new Map(),
  };
}

export async function run(opts: RunOptions): Promise<Figure[]> {
  const started = Date.now();
  const runs = opts.quick ? 100 : 1000;
  const seed = Number(process.env.COSMOS_RELIABILITY_SEED ?? Date.now() % 2 ** 31);
  const t = newTally();
  const matchingRuns = opts.quick ? 30 : 200;
  const m = newTally();
  const writer = new Writer();
  await writer.start();
  try {
    await fc.check(
      fc.asyncProperty(commands, async (cmds) => {
        t.histories++;
        await history(writer, cmds, t, 'outside');
        return true;
      }),
      { numRuns: runs, seed },
    );
    // The same histories when rotated files keep a name the source patterns match (logrotate `dateext` +
    // `extension .ndjson` gives events-20260131.ndjson): the rotated file is still the same lines.
    await fc.check(
      fc.asyncProperty(commands, async (cmds) => {
        m.histories++;
        await history(writer, cmds, m, 'matching');
        return true;
      }),
      { numRuns: matchingRuns, seed: seed + 1 },
    );
  } finally {
    writer.stop();
  }
  const fig = figureMaker('Tailing', areaCommand(AREA, opts.quick));
  const mix = [...t.ops].map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    fig('random histories (fc.commands), writer in another process', t.histories, `≥ ${runs}`, t.histories >= runs && t.errors.count === 0, `seed ${seed}; ${t.commands} commands (${mix}); ${t.written.toLocaleString('en')} lines written; ${seconds(started)} s${t.errors.count ? `; harness errors: ${t.errors.text()}` : ''}`),
    fig('promised lines lost', `${t.lost.count} of ${t.promised.toLocaleString('en')}`, '0', t.lost.count === 0, t.lost.text()),
    fig('lines delivered twice', t.duplicated.count, '0', t.duplicated.count === 0, t.duplicated.text()),
    fig('records delivered that were never written', t.unexpected.count, '0', t.unexpected.count === 0, t.unexpected.text()),
    fig('spurious invalid-record reports (every line written was valid)', t.invalid.count, '0', t.invalid.count === 0, t.invalid.text()),
    fig('lines outside the promise (file gone or truncated before any read; reported, not a target)', `${t.outsidePromise} (${t.outsideDelivered} delivered anyway)`, 'informational', true),
    fig(
      'rotated files named so the source patterns match them too (`events-20260131-N.ndjson`): lines delivered twice',
      `${m.duplicated.count} of ${m.written.toLocaleString('en')} lines (${m.histories} histories)`,
      '0',
      m.duplicated.count === 0 && m.lost.count === 0 && m.errors.count === 0 && m.histories >= matchingRuns,
      [m.duplicated.text(), m.lost.count ? `${m.lost.count} promised lines lost: ${m.lost.text()}` : '', m.errors.text() ?? ''].filter(Boolean).join(' | ') || undefined,
    ),
  ];
}
