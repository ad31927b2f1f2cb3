import { strict as assert } from 'node:assert';
import { runActionTrials, runJournalTrials } from '../../crash/harness';

/**
 * A quick run of the kill -9 suite (test/crash/). The reliability suite runs the same harness with
 * COSMOS_CRASH_TRIALS=1000 via test/crash/run.ts.
 */
const TRIALS = Number(process.env.COSMOS_CRASH_TRIALS ?? 30);

describe('memory/crash (kill -9)', function () {
  this.timeout(600_000);
  this.slow(60_000);

  it(`journal: ${TRIALS} kills lose 0 acknowledged entries, drop every torn tail, and the chain verifies`, async () => {
    const s = await runJournalTrials(TRIALS);
    assert.deepEqual(s.problems, []);
    assert.ok(s.acknowledged > TRIALS, `the children acknowledged too few entries to mean anything (${s.acknowledged})`);
    assert.equal(s.lostAcknowledged, 0);
    assert.equal(s.splitWrites, s.splitTrials, 'every split trial wrote its half record before the kill');
    assert.equal(s.splitTailsMissed, 0);
    assert.ok(s.tornTailsDetected >= s.splitWrites);
    assert.equal(s.verifyFailures, 0);
  });

  it(`approvals and actions: ${TRIALS} kills execute nothing twice, nothing expired or superseded, forget nothing`, async () => {
    const s = await runActionTrials(TRIALS);
    assert.deepEqual(s.problems, []);
    assert.ok(s.approvalsProposed > 0 && s.fileEffects + s.httpEffects > 0, 'the children did real work before being killed');
    assert.equal(s.executedTwice, 0);
    assert.equal(s.expiredOrSupersededExecuted, 0);
    assert.equal(s.forgotten, 0);
    assert.equal(s.acknowledgedLost, 0);
    assert.equal(s.effectsWithoutIntent, 0);
    assert.equal(s.verifyFailures, 0);
  });
});
