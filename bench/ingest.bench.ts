import { makeConfig } from '../src/core/config/config';
import { compileRules } from '../src/core/reason/compile-rules';
import { BACKLOG_SLICE_BYTES } from '../src/core/observe/ingest/source-set';
import { ensureScenario } from './lib/data';
import { bareParse, Pipeline, type PipelineOutcome } from './lib/pipeline';
import { check, figure, fmt, fmtSummary, mb, type Benchmark } from './lib/report';
import { gcIfExposed, interleave, nowMs, summarise } from './lib/stats';

/**
 * Issue 7, item 1: the full Observe → Reason → Decide path over a generated NDJSON file versus the bare ceiling
 * (split lines + JSON.parse) on the same bytes, in the same process, interleaved.
 */
export const ingestBench: Benchmark = {
  id: 'ingest',
  title: 'Ingest throughput',
  async run(ctx) {
    const events = ctx.quick ? 100_000 : 1_000_000;
    const runs = 5;
    const data = await ensureScenario(ctx.tmp, 'sample_day', events);
    // Warm-up on a smaller file of the same shape: the JIT is warm, the timed runs see the real size.
    const warm = await ensureScenario(ctx.tmp, 'sample_day', Math.min(events, 50_000));
    const records = data.eventCount + data.ticketCount;
    ctx.log(`  input: ${data.dir} — ${fmt(data.eventCount)} events + ${fmt(data.ticketCount)} tickets, ${fmt(mb(data.bytes), 1)} MB NDJSON`);
    const config = makeConfig({ llm: { mode: 'off' } });
    const rules = compileRules();
    let outcome: PipelineOutcome | undefined;

    const pipelineOn = async (dir: string): Promise<number> => {
      gcIfExposed();
      const t = nowMs();
      const p = new Pipeline(dir, config, rules);
      outcome = await p.cycle(true);
      const ms = nowMs() - t;
      await p.dispose();
      return ms;
    };
    const bareOn = async (files: readonly string[]): Promise<number> => {
      gcIfExposed();
      const t = nowMs();
      await bareParse(files);
      return nowMs() - t;
    };

    await bareOn([warm.events, warm.tickets]);
    await pipelineOn(warm.dir);
    ctx.log('  warm-up done (50k-event file); timed runs interleave ceiling / pipeline');
    const paired = await interleave(runs, 0, () => bareOn([data.events, data.tickets]), async () => {
      const ms = await pipelineOn(data.dir);
      ctx.log(`    pipeline run: ${fmt(ms)} ms (${fmt(records / (ms / 1000))} records/s)`);
      return ms;
    });
    const bare = summarise(paired.a);
    const pipe = summarise(paired.b);
    // Throughput ratio = ceiling time / pipeline time, per interleaved pair.
    const ratio = summarise(paired.ratios.map((r) => 1 / r));
    const rate = (ms: number): number => records / (ms / 1000);
    const mbps = (ms: number): number => mb(data.bytes) / (ms / 1000);
    ctx.log(`  ceiling (split + JSON.parse): ${fmtSummary(bare, 'ms')} → ${fmt(rate(bare.median))} lines/s, ${fmt(mbps(bare.median), 1)} MB/s`);
    ctx.log(`  pipeline (observe→reason→decide): ${fmtSummary(pipe, 'ms')} → ${fmt(rate(pipe.median))} records/s, ${fmt(mbps(pipe.median), 1)} MB/s`);
    ctx.log(`  last pipeline run: ${outcome?.records} records, ${outcome?.invalid} invalid, ${outcome?.incidents} incidents, ${outcome?.actionsPlanned} actions planned (none executed)`);
    const st = outcome?.stages;
    if (st) {
      ctx.log(
        `  where the last run's time went: poll (read, split, JSON.parse, validate, normalise) ${fmt(st.poll)} ms, ` +
          `Observer.add ${fmt(st.add)} ms, evaluate ${fmt(st.evaluate)} ms, reason+decide ${fmt(st.reasonDecide)} ms`,
      );
    }
    ctx.log(`  ratio pipeline/ceiling throughput: ${fmtSummary(ratio, '×', 3)} — target ≥ 0.5`);

    return {
      ran: `SourceSet.poll(final) in the Agent's ${BACKLOG_SLICE_BYTES / 1024} KB slices (files merged by event time) → Observer.add → Observer.evaluate → reason → decide (no actions) vs read 1 MB chunks + split lines + JSON.parse, same files, same process, interleaved`,
      inputs: `${fmt(data.eventCount)} events + ${fmt(data.ticketCount)} tickets (sample_day, seed 1), ${fmt(mb(data.bytes), 1)} MB NDJSON`,
      figures: [
        figure('ceiling time', bare, 'ms'),
        figure('pipeline time', pipe, 'ms'),
        figure('ceiling throughput', Math.round(rate(bare.median)), 'lines/s'),
        figure('pipeline throughput', Math.round(rate(pipe.median)), 'records/s'),
        figure('ceiling MB/s', Number(mbps(bare.median).toFixed(1)), 'MB/s'),
        figure('pipeline MB/s', Number(mbps(pipe.median).toFixed(1)), 'MB/s'),
        figure('incidents found', outcome?.incidents ?? 0),
        ...(st
          ? [
              figure('last run: poll (read+parse+validate+normalise)', Math.round(st.poll), 'ms'),
              figure('last run: Observer.add', Math.round(st.add), 'ms'),
              figure('last run: evaluate + reason + decide', Math.round(st.evaluate + st.reasonDecide), 'ms'),
            ]
          : []),
        figure('pipeline/ceiling', ratio, '×'),
      ],
      checks: [
        check('pipeline throughput / ceiling', Number(ratio.median.toFixed(3)), '>=', 0.5, {
          unit: '×',
          quick: ctx.quick,
          // Measured 2026-12-05: at 100 k events the ceiling reads a file that stays cached (0.9 µs per line, 1.0 µs
          // at 1 M) and the pipeline's per-run costs (discovery, the first slices) weigh more (2.4 µs per record,
          // 1.9 µs at 1 M): 0.36-0.37x quick on code that gives 0.51-0.54x on the full run.
          quickLimit: 0.3,
          quickWhy: '100 k events: a cached ceiling and per-run costs spread over fewer records',
        }),
      ],
    };
  },
};
