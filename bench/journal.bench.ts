import { rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { FileJournal } from '../src/adapters/node/file-journal';
import { incidentEntryData } from '../src/core/memory/entries';
import { makeIncident } from '../test/fakes/fake-agent';
import { check, figure, fmt, fmtSummary, type Benchmark } from './lib/report';
import { interleave, nowMs, repeat, summarise } from './lib/stats';

/** Appends per timed run: enough to average out single slow syncs (1–3 ms each on a shared disk), few enough for 7 runs per side. */
const PER_RUN = 100;
const PER_RUN_NO_SYNC = 1_000;

/**
 * Issue 7, item 5: the journal's append cost does not grow with its length, durable appends/s with the project's
 * fsync policy (fdatasync per append) and with group commit, and — for contrast, clearly labelled — the original
 * prototype's strategy of rewriting its whole memory JSON file on every incident.
 */
export const journalBench: Benchmark = {
  id: 'journal',
  title: 'Journal',
  async run(ctx) {
    const bigEntries = 100_000;
    const smallEntries = 100;
    const prototypeIncidents = 10_000;
    const runs = 7;
    const runsNoSync = 11;
    const work = path.join(ctx.tmp, 'journal');
    rmSync(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    // The same payload COSMOS journals for an incident (memory's incident entry), from realistic fake incidents.
    const payloads = Array.from({ length: 64 }, (_, i) => incidentEntryData(makeIncident(i)) as unknown as Record<string, unknown>);
    const payloadBytes = Buffer.byteLength(JSON.stringify(payloads[0]));
    let k = 0;
    const next = (): Record<string, unknown> => payloads[k++ % payloads.length]!;

    const filled = async (name: string, entries: number): Promise<string> => {
      const file = path.join(work, `${name}.ndjson`);
      const j = await FileJournal.open(file, { sync: 'none' });
      for (let i = 0; i < entries; i++) await j.append('incident', next());
      await j.close();
      return file;
    };
    let t = nowMs();
    const files = { small: await filled('small', smallEntries), big: await filled('big', bigEntries), proto: await filled('cosmos-10k', prototypeIncidents) };
    ctx.log(`  filled journals of ${fmt(smallEntries)}, ${fmt(bigEntries)} and ${fmt(prototypeIncidents)} incident entries (${payloadBytes} B payload each) in ${fmt(nowMs() - t)} ms`);

    // 1. Append cost vs length, with the project's policy (fdatasync per append) and CPU only (no sync).
    const perAppend = (j: FileJournal, n = PER_RUN) => async (): Promise<number> => {
      const start = nowMs();
      for (let i = 0; i < n; i++) await j.append('incident', next());
      return (nowMs() - start) / n;
    };
    const compare = async (sync: 'fdatasync' | 'none'): Promise<{ small: number[]; big: number[]; ratios: number[] }> => {
      const small = await FileJournal.open(files.small, { sync });
      const big = await FileJournal.open(files.big, { sync });
      // Without sync an append is ~0.05–0.1 ms: 100 of them are one pause of the machine away from a 1.3× outlier, so that
      // side takes 1,000 appends per run and 11 runs (about a second in all).
      const n = sync === 'none' ? PER_RUN_NO_SYNC : PER_RUN;
      const r = await interleave(sync === 'none' ? runsNoSync : runs, 1, perAppend(small, n), perAppend(big, n));
      await small.close();
      await big.close();
      return { small: r.a, big: r.b, ratios: r.ratios };
    };
    const synced = await compare('fdatasync');
    const cpu = await compare('none');
    const s = { small: summarise(synced.small), big: summarise(synced.big), ratio: summarise(synced.ratios) };
    const c = { small: summarise(cpu.small), big: summarise(cpu.big), ratio: summarise(cpu.ratios) };
    ctx.log(`  append with fdatasync (project policy): ${fmt(smallEntries)} entries ${fmtSummary(s.small, 'ms')}; ${fmt(bigEntries)} entries ${fmtSummary(s.big, 'ms')}; ratio ${fmtSummary(s.ratio, '×', 2)}`);
    ctx.log(`  append without sync (CPU + write only): ${fmt(smallEntries)} entries ${fmtSummary(c.small, 'ms', 4)}; ${fmt(bigEntries)} entries ${fmtSummary(c.big, 'ms', 4)}; ratio ${fmtSummary(c.ratio, '×', 2)}`);

    // 2. Durable appends/s: one at a time (each awaited: fdatasync each) and with group commit (64 concurrent appends share one sync).
    const durable = summarise(s.small.runs ? synced.small.map((ms) => 1000 / ms) : []);
    const group = await FileJournal.open(path.join(work, 'group.ndjson'), { sync: 'fdatasync', groupCommit: 64 });
    const groupRates = await repeat(5, 1, async () => {
      const n = 64 * 40;
      const start = nowMs();
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) pending.push(group.append('incident', next()));
      await Promise.all(pending);
      return n / ((nowMs() - start) / 1000);
    });
    await group.close();
    const grouped = summarise(groupRates);
    ctx.log(`  durable appends/s: fdatasync per append ${fmtSummary(durable, '/s')}; group commit (64 concurrent per sync) ${fmtSummary(grouped, '/s')}`);

    // 3. The prototype's strategy (a faithful reimplementation, for contrast only): keep every incident in an array and
    //    rewrite the whole pretty-printed memory JSON file on every incident. No fsync, as in the prototype.
    const protoFile = path.join(work, 'prototype-memory.json');
    const memory: unknown[] = [];
    for (let i = 0; i < prototypeIncidents; i++) memory.push(next());
    writeFileSync(protoFile, JSON.stringify(memory, null, 2));
    const prototypeWrite = (): number => {
      const start = nowMs();
      const writes = 5;
      for (let i = 0; i < writes; i++) {
        memory.push(next());
        writeFileSync(protoFile, JSON.stringify(memory, null, 2));
      }
      return (nowMs() - start) / writes;
    };
    const cosmos10k = await FileJournal.open(files.proto, { sync: 'fdatasync' });
    t = nowMs();
    const vs = await interleave(runs, 1, perAppend(cosmos10k), prototypeWrite);
    await cosmos10k.close();
    const proto = summarise(vs.b);
    const ours = summarise(vs.a);
    const protoRatio = summarise(vs.ratios);
    ctx.log(
      `  PROTOTYPE STRATEGY (reimplemented for contrast: whole memory JSON rewritten per incident, no fsync) at ${fmt(prototypeIncidents)} incidents: ${fmtSummary(proto, 'ms')} per incident\n` +
        `  COSMOS journal at ${fmt(prototypeIncidents)} entries, fdatasync per append: ${fmtSummary(ours, 'ms')} per incident → prototype/COSMOS ${fmtSummary(protoRatio, '×', 1)}`,
    );
    rmSync(work, { recursive: true, force: true });

    return {
      ran: `FileJournal.append (${PER_RUN} awaited appends per run with fdatasync, ${fmt(PER_RUN_NO_SYNC)} without) on journals of ${fmt(smallEntries)} and ${fmt(bigEntries)} entries, interleaved; group commit; and a labelled reimplementation of the prototype's rewrite-the-whole-file memory`,
      inputs: `incident entries of ${payloadBytes} B (memory's incident entry for realistic incidents); journals of ${fmt(smallEntries)} / ${fmt(bigEntries)} / ${fmt(prototypeIncidents)} entries`,
      figures: [
        figure(`append, ${fmt(smallEntries)} entries (fdatasync)`, s.small, 'ms'),
        figure(`append, ${fmt(bigEntries)} entries (fdatasync)`, s.big, 'ms'),
        figure(`append, ${fmt(smallEntries)} entries (no sync)`, c.small, 'ms'),
        figure(`append, ${fmt(bigEntries)} entries (no sync)`, c.big, 'ms'),
        figure('durable appends/s, fdatasync per append', Math.round(durable.median), '/s'),
        figure('durable appends/s, group commit 64', Math.round(grouped.median), '/s'),
        figure(`prototype strategy (reimplemented), per incident at ${fmt(prototypeIncidents)}`, proto, 'ms'),
        figure(`COSMOS journal, per incident at ${fmt(prototypeIncidents)} (fdatasync)`, ours, 'ms'),
        figure('prototype / COSMOS per incident', protoRatio, '×'),
      ],
      checks: [
        check(`append cost ${fmt(bigEntries)} vs ${fmt(smallEntries)} entries (fdatasync)`, Number(s.ratio.median.toFixed(2)), '<=', 1.2, {
          unit: '×',
          quick: ctx.quick,
          quickLimit: 1.5,
          quickWhy: 'fdatasync time on a shared disk swings run to run and dominates the append',
        }),
        check(`append cost ${fmt(bigEntries)} vs ${fmt(smallEntries)} entries (no sync)`, Number(c.ratio.median.toFixed(2)), '<=', 1.2, {
          unit: '×',
          quick: ctx.quick,
          quickLimit: 1.5,
          quickWhy: 'tens of microseconds per append: timer and GC noise',
        }),
      ],
    };
  },
};
