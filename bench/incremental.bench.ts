import { appendFileSync, createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { makeConfig } from '../src/core/config/config';
import { compileRules } from '../src/core/reason/compile-rules';
import { ensureScenario } from './lib/data';
import { Pipeline } from './lib/pipeline';
import { check, figure, fmt, fmtSummary, mb, type Benchmark } from './lib/report';
import { gcIfExposed, interleave, nowMs, summarise } from './lib/stats';

const APPEND = 1_000;

/**
 * Issue 7, item 2: taking in 1,000 appended events costs the same whether the file already holds 1,000,000 events
 * or 1,000 (NDJSON is read from a byte cursor). JSON arrays cannot be tailed: the same is reported for them, and
 * it grows with the file by design.
 */
export const incrementalBench: Benchmark = {
  id: 'incremental',
  title: 'Incremental cost',
  async run(ctx) {
    const bigCount = ctx.quick ? 100_000 : 1_000_000;
    const jsonBigCount = ctx.quick ? 20_000 : 50_000;
    const smallCount = 1_000;
    // Cheap runs (a few ms each) on a noisy machine: more of them.
    const runs = 11;
    const data = await ensureScenario(ctx.tmp, 'sample_day', bigCount);
    const work = path.join(ctx.tmp, 'incremental');
    rmSync(work, { recursive: true, force: true });
    const lines = await readLines(data.events);
    const dirs = {
      small: path.join(work, 'ndjson-small'),
      big: path.join(work, 'ndjson-big'),
      jsonSmall: path.join(work, 'json-small'),
      jsonBig: path.join(work, 'json-big'),
    };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    const small = lines.slice(0, smallCount);
    const jsonBig = lines.slice(0, jsonBigCount);
    writeFileSync(path.join(dirs.small, 'events.ndjson'), `${small.join('\n')}\n`);
    writeFileSync(path.join(dirs.big, 'events.ndjson'), `${lines.join('\n')}\n`);
    const jsonSmallRecords = [...small];
    const jsonBigRecords = [...jsonBig];
    const writeArray = (dir: string, records: readonly string[]): void => writeFileSync(path.join(dir, 'events.json'), `[\n${records.join(',\n')}\n]\n`);
    writeArray(dirs.jsonSmall, jsonSmallRecords);
    writeArray(dirs.jsonBig, jsonBigRecords);
    ctx.log(`  files: NDJSON ${fmt(smallCount)} vs ${fmt(lines.length)} events (${fmt(mb(sizeOf(lines)), 1)} MB); JSON array ${fmt(smallCount)} vs ${fmt(jsonBigCount)} events`);

    const config = makeConfig({ llm: { mode: 'off' } });
    const rules = compileRules();
    const pipes = {
      small: new Pipeline(dirs.small, config, rules),
      big: new Pipeline(dirs.big, config, rules),
      jsonSmall: new Pipeline(dirs.jsonSmall, config, rules),
      jsonBig: new Pipeline(dirs.jsonBig, config, rules),
    };
    // The initial read (the expensive one) happens once, before anything is timed.
    let t = nowMs();
    for (const p of Object.values(pipes)) await p.cycle(false);
    ctx.log(`  initial reads of all four files: ${fmt(nowMs() - t)} ms (not timed below)`);

    // Appended events: copies of each file's most recent events with fresh ids, so they land in the live windows.
    let serial = 0;
    const appendBatch = (tail: readonly string[]): string[] =>
      tail.slice(-APPEND).map((l) => l.replace(/"event_id":"[^"]*"/, `"event_id":"A${++serial}"`));
    const taken: number[] = [];
    const pollMs: number[] = [];
    const side = (name: keyof typeof pipes, append: () => void) => async (): Promise<number> => {
      append();
      gcIfExposed();
      const start = nowMs();
      const n = await pipes[name].observe(false);
      const ms = nowMs() - start;
      if (name === 'small' || name === 'big') {
        taken.push(n);
        pollMs.push(ms);
      } else taken.push(n);
      return ms;
    };
    const appendNdjson = (dir: string, source: readonly string[]) => (): void =>
      appendFileSync(path.join(dir, 'events.ndjson'), `${appendBatch(source).join('\n')}\n`);
    // A JSON array is rewritten whole: base records + this run's 1,000 (the file keeps its size from run to run).
    const appendJson = (dir: string, base: readonly string[]) => (): void => writeArray(dir, [...base, ...appendBatch(base)]);

    t = nowMs();
    const nd = await interleave(runs, 1, side('small', appendNdjson(dirs.small, small)), side('big', appendNdjson(dirs.big, lines)));
    const js = await interleave(runs, 1, side('jsonSmall', appendJson(dirs.jsonSmall, jsonSmallRecords)), side('jsonBig', appendJson(dirs.jsonBig, jsonBigRecords)));
    const ndSmall = summarise(nd.a);
    const ndBig = summarise(nd.b);
    const ndRatio = summarise(nd.ratios);
    const jsSmall = summarise(js.a);
    const jsBig = summarise(js.b);
    const jsRatio = summarise(js.ratios);
    const wrongCounts = taken.filter((n) => n !== APPEND).length;
    for (const p of Object.values(pipes)) await p.dispose();
    ctx.log(`  NDJSON, 1,000 appended → poll + Observer.add: file of ${fmt(smallCount)}: ${fmtSummary(ndSmall, 'ms')}; file of ${fmt(lines.length)}: ${fmtSummary(ndBig, 'ms')}`);
    ctx.log(`  NDJSON ratio big/small: ${fmtSummary(ndRatio, '×', 2)} — target ≤ 1.2`);
    ctx.log(`  JSON array (re-parsed by design), file of ${fmt(smallCount)}: ${fmtSummary(jsSmall, 'ms')}; file of ${fmt(jsonBigCount)}: ${fmtSummary(jsBig, 'ms')}; ratio ${fmtSummary(jsRatio, '×', 1)} (reported, no target)`);
    ctx.log(`  every poll took exactly ${APPEND} new records: ${wrongCounts === 0 ? 'yes' : `NO — ${wrongCounts} polls took a different count`}`);

    return {
      ran: `append ${fmt(APPEND)} events, then SourceSet.poll + Observer.add (timed) on an already-read file; small and big files interleaved`,
      inputs: `NDJSON ${fmt(smallCount)} vs ${fmt(lines.length)} events; JSON array ${fmt(smallCount)} vs ${fmt(jsonBigCount)} events; ${fmt(APPEND)} appended per run`,
      figures: [
        figure(`NDJSON +1k into ${fmt(smallCount)}`, ndSmall, 'ms'),
        figure(`NDJSON +1k into ${fmt(lines.length)}`, ndBig, 'ms'),
        figure(`JSON array +1k into ${fmt(smallCount)}`, jsSmall, 'ms'),
        figure(`JSON array +1k into ${fmt(jsonBigCount)} (re-parse, by design)`, jsBig, 'ms'),
        figure('JSON array ratio (reported)', jsRatio, '×'),
      ],
      checks: [
        check(`NDJSON +1k: ${fmt(lines.length)} vs ${fmt(smallCount)} events`, Number(ndRatio.median.toFixed(2)), '<=', 1.2, {
          unit: '×',
          quick: ctx.quick,
          quickLimit: 1.5,
        }),
        check('polls that took a count other than 1,000 (lost or re-read)', wrongCounts, '==', 0),
      ],
    };
  },
};

async function readLines(file: string): Promise<string[]> {
  const out: string[] = [];
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) if (line) out.push(line);
  return out;
}

function sizeOf(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) n += l.length + 1;
  return n;
}
