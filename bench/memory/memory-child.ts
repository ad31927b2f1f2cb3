import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { makeConfig } from '../../src/core/config/config';
import { generate } from '../../src/core/generate/generate';
import type { LineSink } from '../../src/core/generate/record-writer';
import { compileRules } from '../../src/core/reason/compile-rules';
import { Pipeline } from '../lib/pipeline';

/**
 * The process the memory benchmark watches (run with --expose-gc and a heap cap, so a runaway cannot hurt the
 * machine). Two modes, each printing JSON lines:
 *  - `stream DIR EVENTS CHECKPOINT_EVERY DEADLINE_MS`: the generator streams EVENTS events into DIR/events.ndjson in
 *    8 MB appends and the loop's observe→reason→decide cycle runs after each append, as it would under a watcher;
 *    after a full GC at every CHECKPOINT_EVERY records it prints `{"cp": records, "rssMb", "heapMb"}`.
 *  - `oneshot DIR`: one cycle over a folder's files as they are (a first read of an existing file).
 * Both end with `{"done": records, "maxRssMb", "reachedAll"}`.
 */
const APPEND_BYTES = 8 << 20;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mbOf = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

class DeadlineReached extends Error {}

async function stream(dir: string, eventCount: number, every: number, deadlineMs: number): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'events.ndjson');
  writeFileSync(file, '');
  const pipeline = new Pipeline(dir, makeConfig({ llm: { mode: 'off' } }), compileRules());
  const started = Date.now();
  let records = 0;
  let nextCp = every;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    appendFileSync(file, pending.join(''));
    pending = [];
    pendingBytes = 0;
    records += (await pipeline.cycle(false)).records;
    while (records >= nextCp) {
      gc();
      const mem = process.memoryUsage();
      say({ cp: records, rssMb: mbOf(mem.rss), heapMb: mbOf(mem.heapUsed), seconds: (Date.now() - started) / 1000 });
      nextCp += every;
    }
    if (Date.now() - started > deadlineMs) throw new DeadlineReached();
  };
  const events: LineSink = {
    write(chunk: string) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      return pendingBytes >= APPEND_BYTES ? flush() : undefined;
    },
  };
  // Tickets are not part of the event count; the generator writes them after the events.
  const tickets: LineSink = { write: () => undefined };
  let reachedAll = true;
  try {
    await generate({ scenario: 'sample_day', seed: 1, events: eventCount, format: 'ndjson' }, { events, tickets });
    await flush();
    records += (await pipeline.cycle(true)).records;
  } catch (err) {
    if (!(err instanceof DeadlineReached)) throw err;
    reachedAll = false;
  }
  gc();
  await pipeline.dispose();
  rmSync(dir, { recursive: true, force: true });
  say({ done: records, maxRssMb: mbOf(process.resourceUsage().maxRSS * 1024), reachedAll, seconds: (Date.now() - started) / 1000 });
}

async function oneshot(dir: string): Promise<void> {
  const pipeline = new Pipeline(dir, makeConfig({ llm: { mode: 'off' } }), compileRules());
  const started = Date.now();
  const out = await pipeline.cycle(true);
  await pipeline.dispose();
  say({ done: out.records, maxRssMb: mbOf(process.resourceUsage().maxRSS * 1024), reachedAll: true, seconds: (Date.now() - started) / 1000 });
}

async function main(): Promise<void> {
  const [mode, dir, ...rest] = process.argv.slice(2);
  if (mode === 'stream' && dir) await stream(dir, Number(rest[0]), Number(rest[1]), Number(rest[2]));
  else if (mode === 'oneshot' && dir) await oneshot(dir);
  else throw new Error('usage: memory-child.ts stream DIR EVENTS EVERY DEADLINE_MS | oneshot DIR');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
