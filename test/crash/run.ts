/**
 * kill -9 crash suite, standalone: `COSMOS_CRASH_TRIALS=1000 node --import tsx test/crash/run.ts`.
 * Prints the figures as JSON (for docs/reliability.md) and exits non-zero when any target is missed.
 */
import { runActionTrials, runJournalTrials } from './harness';

async function main(): Promise<void> {
  const trials = Number(process.env.COSMOS_CRASH_TRIALS ?? 50);
  const seed = process.env.COSMOS_CRASH_SEED ? Number(process.env.COSMOS_CRASH_SEED) : Date.now() >>> 0;
  const started = Date.now();
  const journal = await runJournalTrials(trials, seed);
  const actions = await runActionTrials(trials, seed);
  const missed =
    journal.lostAcknowledged + journal.splitTailsMissed + journal.verifyFailures + journal.problems.length +
    actions.executedTwice + actions.expiredOrSupersededExecuted + actions.forgotten + actions.acknowledgedLost + actions.effectsWithoutIntent + actions.verifyFailures + actions.problems.length;
  const out = { seed, trials, seconds: Math.round((Date.now() - started) / 100) / 10, journal, actions, ok: missed === 0 };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  process.exitCode = missed === 0 ? 0 : 1;
}

void main();
