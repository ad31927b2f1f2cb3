import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DRY_RUN_AUTO_RESULT } from '../../core/loop/agent';
import { scoreDiagnosis, type EvalScore } from '../../core/generate/score';
import { CauseSchema, ScopeSchema } from '../../core/report/schema';
import type { Io } from '../io';
import { openAgent } from '../open-agent';
import { configFrom, dataDir, LOOP_FLAGS_HELP, LOOP_OPTIONS, parse } from '../options';
import { InputError, UsageError } from '../usage-error';

export const EVAL_USAGE = `Usage: cosmos eval DIR [--json] [--min-accuracy X] [loop options]

Runs the loop (dry run, fresh state) on a folder that has an expected.json written by
\`cosmos generate\`, and scores the diagnosis: per-cause precision and recall, top-1 cause accuracy, the
share of incidents sent to the LLM, and the number of actions that would have executed automatically
for an incident whose true cause differs (must be 0).

  --json             print the score as JSON
  --min-accuracy X   exit 1 when top-1 accuracy < X or any wrong automatic action occurred

${LOOP_FLAGS_HELP}`;

const ExpectedFileSchema = z.object({
  scenario: z.string().optional(),
  incidents: z.array(z.object({ cause: CauseSchema, merchants: z.array(z.string()), scope: ScopeSchema, firstSeen: z.number().optional(), lastSeen: z.number().optional(), label: z.string().optional() }).passthrough()),
});

export async function evalCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...LOOP_OPTIONS, json: { type: 'boolean' }, 'min-accuracy': { type: 'string' } }, EVAL_USAGE);
  if (values.help) {
    io.out(EVAL_USAGE);
    return 0;
  }
  const dir = dataDir(positionals[0], EVAL_USAGE);
  const minAccuracy = values['min-accuracy'] === undefined ? undefined : Number(values['min-accuracy']);
  if (minAccuracy !== undefined && !(minAccuracy >= 0 && minAccuracy <= 1)) throw new UsageError('--min-accuracy must be between 0 and 1', EVAL_USAGE);
  const expectedFile = path.join(dir, 'expected.json');
  let expectedText: string;
  try {
    expectedText = await readFile(expectedFile, 'utf8');
  } catch {
    throw new InputError(`${expectedFile}: missing — eval needs the ground truth written by \`cosmos generate\``);
  }
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(expectedText);
  } catch (err) {
    throw new InputError(`${expectedFile}: not JSON (${(err as Error).message})`);
  }
  const expected = ExpectedFileSchema.safeParse(parsedJson);
  if (!expected.success) throw new InputError(`${expectedFile}: ${expected.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);

  const stateDir = await mkdtemp(path.join(tmpdir(), 'cosmos-eval-'));
  const { agent } = await openAgent(io, { dir, stateDir, config: configFrom(values, EVAL_USAGE), dryRun: true });
  try {
    const report = await agent.analyzeOnce();
    const reported = report.incidents.map((i) => ({
      ...i,
      autoExecuted: (i.decision?.actions ?? []).filter((a) => a.status === 'executed' || a.result === DRY_RUN_AUTO_RESULT).map((a) => a.type),
    }));
    const score = scoreDiagnosis(expected.data.incidents, reported);
    if (values.json) io.out(JSON.stringify({ scenario: expected.data.scenario ?? null, ...score }, null, 2));
    else io.out(formatScore(expected.data.scenario ?? path.basename(dir), score));
    const failed = minAccuracy !== undefined && (score.top1Accuracy < minAccuracy || score.wrongAutoActions > 0);
    return failed ? 1 : 0;
  } finally {
    agent.dispose();
    await rm(stateDir, { recursive: true, force: true });
  }
}

function formatScore(name: string, s: EvalScore): string {
  const f = (x: number | null): string => (x === null ? '   —' : x.toFixed(2).padStart(4));
  const lines = [
    `eval ${name}: ${s.expected} expected, ${s.reported} reported incident(s)`,
    `  top-1 cause accuracy  ${s.top1Accuracy.toFixed(2)}`,
    `  sent to the LLM       ${s.llmSent} (${(s.llmShare * 100).toFixed(0)} %)`,
    `  wrong auto actions    ${s.wrongAutoActions}${s.wrongAutoDetails.length ? ` — ${s.wrongAutoDetails.join('; ')}` : ''}`,
    `  false alarms          ${s.falseAlarms}`,
    '  cause                          expected reported precision recall',
  ];
  for (const [cause, c] of Object.entries(s.perCause)) {
    if (!c) continue;
    lines.push(`  ${cause.padEnd(30)} ${String(c.expected).padStart(8)} ${String(c.reported).padStart(8)} ${f(c.precision).padStart(9)} ${f(c.recall).padStart(6)}`);
  }
  for (const m of s.matches) {
    lines.push(`  ${m.correct ? '✔' : '✖'} expected ${m.expected.cause} at ${m.expected.merchants.join(',')} → ${m.reportedCause ?? 'not found'} (overlap ${m.overlap.toFixed(2)})`);
  }
  return lines.join('\n');
}
