import { ReportSchema } from '../../core/report/schema';
import { formatReport } from '../format/report-text';
import type { Io } from '../io';
import { openAgent } from '../open-agent';
import { configFrom, dataDir, LOOP_FLAGS_HELP, LOOP_OPTIONS, parse, stateDirOf } from '../options';

export const ANALYZE_USAGE = `Usage: cosmos analyze DIR [--json] [--verbose] [loop options]

One pass over DIR: reads every events*/tickets* file (JSON array or NDJSON, also under DIR/data/),
reports invalid records with file:line:column, anomalies, incidents with evidence, the reasoning,
the decision with every gate, and the actions taken or waiting for approval.

  --json        print one JSON document (schema: docs/report.schema.json)
  --verbose     every gate, anomaly and evidence record; log each loop step to stderr

${LOOP_FLAGS_HELP}`;

export async function analyzeCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...LOOP_OPTIONS, json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } }, ANALYZE_USAGE);
  if (values.help) {
    io.out(ANALYZE_USAGE);
    return 0;
  }
  const dir = dataDir(positionals[0], ANALYZE_USAGE);
  const config = configFrom(values, ANALYZE_USAGE);
  const { agent } = await openAgent(io, {
    dir,
    stateDir: stateDirOf(values, dir),
    config,
    dryRun: values['dry-run'] === true,
    verbose: values.verbose === true,
  });
  try {
    const report = await agent.analyzeOnce();
    if (values.json) {
      // Validated against the published schema before printing: consumers can rely on it.
      io.out(JSON.stringify(ReportSchema.parse(report), null, 2));
    } else {
      io.out(formatReport(report, { verbose: values.verbose === true }));
    }
    return 0;
  } finally {
    agent.dispose();
  }
}
