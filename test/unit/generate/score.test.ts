import assert from 'node:assert/strict';
import { scoreDiagnosis, type ExpectedLike, type ReportedIncident } from '../../../src/core/generate/score';
import type { ActionReport, Cause } from '../../../src/core/report/schema';

const T = (min: number) => Date.UTC(2026, 0, 31, 8, min);

function expected(cause: Cause, merchants: string[], from = 0, to = 30): ExpectedLike {
  return { cause, merchants, scope: merchants.length >= 10 ? 'platform' : merchants.length >= 3 ? 'multi_merchant' : 'merchant', firstSeen: T(from), lastSeen: T(to) };
}

function reported(cause: Cause, merchants: string[], extra: Partial<ReportedIncident> = {}): ReportedIncident {
  return { cause, merchants, scope: 'merchant', firstSeen: T(5), lastSeen: T(25), ...extra };
}

function executed(type: ActionReport['type']): ActionReport {
  return { id: `x:${type}`, type, risk: 'low', status: 'executed', gates: [], params: {}, key: type, reason: '' };
}

describe('scoreDiagnosis', () => {
  it('a perfect diagnosis scores 1 everywhere', () => {
    const score = scoreDiagnosis(
      [expected('webhook_auth_failure', ['M7']), expected('rate_limiting', ['M9'])],
      [reported('webhook_auth_failure', ['M7']), reported('rate_limiting', ['M9'])],
    );
    assert.equal(score.top1Accuracy, 1);
    assert.deepEqual(score.perCause.webhook_auth_failure, { expected: 1, reported: 1, correct: 1, precision: 1, recall: 1 });
    assert.equal(score.wrongAutoActions, 0);
    assert.equal(score.falseAlarms, 0);
    assert.deepEqual(score.matches.map((m) => m.reported), [0, 1]);
  });

  it('top-1, precision and recall with a wrong cause and a duplicate incident', () => {
    const score = scoreDiagnosis(
      [expected('migration_misconfiguration', ['M4']), expected('rate_limiting', ['M9']), expected('documentation_gap', ['M3', 'M6'])],
      [
        reported('migration_misconfiguration', ['M4']),
        reported('migration_misconfiguration', ['M4']), // Observe split one incident in two: still right
        reported('api_auth_failure', ['M9']),
        reported('documentation_gap', ['M3', 'M6', 'M8']),
      ],
    );
    assert.equal(score.top1Accuracy, 2 / 3);
    assert.deepEqual(score.perCause.migration_misconfiguration, { expected: 1, reported: 2, correct: 2, precision: 1, recall: 1 });
    assert.deepEqual(score.perCause.rate_limiting, { expected: 1, reported: 0, correct: 0, precision: null, recall: 0 });
    assert.deepEqual(score.perCause.api_auth_failure, { expected: 0, reported: 1, correct: 0, precision: 0, recall: null });
    assert.equal(score.matches[2]!.overlap, 2 / 3);
    assert.equal(score.perCause.unknown, undefined);
  });

  it('matches each expected incident to the best merchant overlap, time breaking ties', () => {
    const score = scoreDiagnosis(
      [expected('webhook_auth_failure', ['M3'], 100, 140), expected('platform_regression', ['M1', 'M2', 'M3', 'M4'], 245, 257)],
      [
        reported('platform_regression', ['M1', 'M2', 'M3', 'M4'], { firstSeen: T(245), lastSeen: T(257) }),
        reported('webhook_auth_failure', ['M3'], { firstSeen: T(100), lastSeen: T(140) }),
      ],
    );
    assert.deepEqual(score.matches.map((m) => m.reported), [1, 0]);
    assert.equal(score.top1Accuracy, 1);
    // Same merchant at two different times: time decides.
    const twice = scoreDiagnosis(
      [expected('webhook_auth_failure', ['M3'], 0, 30), expected('rate_limiting', ['M3'], 300, 330)],
      [
        reported('rate_limiting', ['M3'], { firstSeen: T(305), lastSeen: T(325) }),
        reported('webhook_auth_failure', ['M3'], { firstSeen: T(5), lastSeen: T(25) }),
      ],
    );
    assert.deepEqual(twice.matches.map((m) => m.reported), [1, 0]);
    assert.equal(twice.top1Accuracy, 1);
  });

  it('an expected incident nobody reported scores as missed', () => {
    const score = scoreDiagnosis([expected('rate_limiting', ['M9'])], [reported('rate_limiting', ['M2'])]);
    assert.equal(score.top1Accuracy, 0);
    assert.deepEqual(score.matches[0], { expected: expected('rate_limiting', ['M9']), reported: null, reportedCause: null, correct: false, overlap: 0 });
    assert.equal(score.falseAlarms, 1);
  });

  it('counts automatic actions on incidents whose true cause differs; monitor notes do not count', () => {
    const score = scoreDiagnosis(
      [expected('webhook_delivery_failure', ['M2'])],
      [
        reported('webhook_auth_failure', ['M2'], { decision: { actions: [executed('draft_support_reply'), executed('monitor')] } }),
        reported('rate_limiting', ['M11'], { autoExecuted: ['draft_support_reply'] }), // overlaps nothing: true cause normal_operation
        reported('unknown', ['M5'], { autoExecuted: ['monitor'] }),
      ],
    );
    assert.equal(score.wrongAutoActions, 2);
    assert.deepEqual(score.wrongAutoDetails, [
      'draft_support_reply ran for incident #0 (M2): reported webhook_auth_failure, true cause webhook_delivery_failure',
      'draft_support_reply ran for incident #1 (M11): reported rate_limiting, true cause normal_operation',
    ]);
    assert.equal(score.falseAlarms, 1);
  });

  it('pending or blocked actions are not automatic', () => {
    const pending: ActionReport = { ...executed('draft_support_reply'), status: 'pending_approval' };
    const score = scoreDiagnosis([expected('rate_limiting', ['M9'])], [reported('api_auth_failure', ['M9'], { decision: { actions: [pending] } })]);
    assert.equal(score.wrongAutoActions, 0);
  });

  it('share sent to the LLM is the share of ambiguous reported incidents', () => {
    const score = scoreDiagnosis(
      [expected('unknown', ['M5'])],
      [reported('unknown', ['M5'], { ambiguity: { ambiguous: true } }), reported('normal_operation', ['M1']), reported('normal_operation', ['M2']), reported('normal_operation', ['M3'])],
    );
    assert.equal(score.llmSent, 1);
    assert.equal(score.llmShare, 0.25);
    assert.equal(score.top1Accuracy, 1);
  });

  it('with nothing expected: 1 when nothing or only "no problem" is reported, lower for each false alarm', () => {
    assert.equal(scoreDiagnosis([], []).top1Accuracy, 1);
    assert.equal(scoreDiagnosis([], [reported('normal_operation', ['M1']), reported('unknown', ['M2'])]).top1Accuracy, 1);
    const alarmed = scoreDiagnosis([], [reported('normal_operation', ['M1']), reported('platform_regression', ['M2'])]);
    assert.equal(alarmed.top1Accuracy, 0.5);
    assert.equal(alarmed.falseAlarms, 1);
    assert.equal(scoreDiagnosis([], []).llmShare, 0);
  });
});
