import assert from 'node:assert/strict';
import { isLlmOnly, mergeLlm, type DeterministicOutcome } from '../../../src/core/reason/llm/merge';
import type { LlmResult } from '../../../src/core/ports/llm';
import type { Cause, Hypothesis, LlmTrace } from '../../../src/core/report/schema';
import { makeConfig } from '../../../src/core/config/config';
import { ruleHypothesis } from '../../fixtures/llm/llm-request';

const config = makeConfig({ llm: { confidenceCap: 0.7 } });
const trace: LlmTrace = { model: 'phi3:mini', prompt: 'p', rawAnswer: '{}', repairs: [], cacheHit: false, attempts: 1, latencyMs: 5 };
const modelSays = (cause: Cause, confidence: number): Hypothesis => ({
  cause,
  confidence,
  explanation: 'model',
  evidence: [],
  source: { kind: 'llm', model: 'phi3:mini' },
});
const answered = (...hypotheses: Hypothesis[]): LlmResult => ({ ok: true, hypotheses, trace });
const deterministic: DeterministicOutcome = {
  cause: 'webhook_auth_failure',
  confidence: 0.55,
  hypotheses: [ruleHypothesis('webhook_auth_failure', 0.55), ruleHypothesis('webhook_delivery_failure', 0.5)],
  ambiguity: { ambiguous: true, reasons: ['top two within 0.10'] },
};

describe('mergeLlm', () => {
  it('a model agreeing with a rule keeps its confidence, is marked ruleAgrees, and the mode is hybrid', () => {
    const merged = mergeLlm(deterministic, answered(modelSays('webhook_auth_failure', 0.9)), config);
    assert.equal(merged.reasoningMode, 'hybrid');
    assert.equal(merged.cause, 'webhook_auth_failure');
    assert.equal(merged.confidence, 0.9);
    const llm = merged.hypotheses.find((h) => h.source.kind === 'llm');
    assert.equal(llm?.ruleAgrees, true);
    assert.equal(merged.hypotheses.length, 3, 'rule hypotheses are kept beside the model one');
    assert.equal(merged.llm, trace);
  });

  it('a model-only cause is capped at confidenceCap and the mode is llm', () => {
    const merged = mergeLlm(deterministic, answered(modelSays('rate_limiting', 0.95)), config);
    assert.equal(merged.reasoningMode, 'llm');
    assert.equal(merged.cause, 'rate_limiting');
    assert.equal(merged.confidence, 0.7);
    assert.equal(merged.hypotheses[0]?.ruleAgrees, false);
    assert.equal(isLlmOnly(merged.hypotheses, merged.cause), true);
  });

  it('a capped model hypothesis below the best rule leaves the rule on top', () => {
    const strong: DeterministicOutcome = { ...deterministic, cause: 'webhook_auth_failure', confidence: 0.75, hypotheses: [ruleHypothesis('webhook_auth_failure', 0.75)] };
    const merged = mergeLlm(strong, answered(modelSays('platform_regression', 1)), config);
    assert.equal(merged.cause, 'webhook_auth_failure');
    assert.equal(merged.confidence, 0.75);
    assert.equal(merged.reasoningMode, 'hybrid');
    assert.equal(isLlmOnly(merged.hypotheses, merged.cause), false);
  });

  it('on a tie the rule wins', () => {
    const det: DeterministicOutcome = { ...deterministic, hypotheses: [ruleHypothesis('webhook_delivery_failure', 0.7)] };
    const merged = mergeLlm(det, answered(modelSays('rate_limiting', 0.9)), config);
    assert.equal(merged.cause, 'webhook_delivery_failure');
  });

  it('"unknown" from a rule never counts as agreement', () => {
    const det: DeterministicOutcome = { cause: 'unknown', confidence: 0.2, hypotheses: [ruleHypothesis('unknown', 0.2)] };
    const merged = mergeLlm(det, answered(modelSays('unknown', 0.9)), config);
    assert.equal(merged.confidence, 0.7);
    assert.equal(merged.hypotheses[0]?.ruleAgrees, false);
  });

  it('a failure keeps the deterministic outcome whole, with the reason, in mode llm_failed', () => {
    const failure: LlmResult = { ok: false, reason: 'timed out after 300 ms waiting for phi3:mini', trace: { ...trace, rawAnswer: undefined } };
    const merged = mergeLlm(deterministic, failure, config);
    assert.equal(merged.reasoningMode, 'llm_failed');
    assert.equal(merged.cause, deterministic.cause);
    assert.equal(merged.confidence, deterministic.confidence);
    assert.deepEqual(merged.hypotheses, deterministic.hypotheses);
    assert.equal(merged.llm.error, 'timed out after 300 ms waiting for phi3:mini');
  });

  it('does not mutate its inputs', () => {
    const before = JSON.stringify(deterministic);
    const result = answered(modelSays('rate_limiting', 0.95));
    const resultBefore = JSON.stringify(result);
    mergeLlm(deterministic, result, config);
    assert.equal(JSON.stringify(deterministic), before);
    assert.equal(JSON.stringify(result), resultBefore);
  });
});

describe('isLlmOnly', () => {
  it('is true only when the model, and no rule, supports the cause', () => {
    const hs = [ruleHypothesis('rate_limiting', 0.5), modelSays('rate_limiting', 0.6), modelSays('api_auth_failure', 0.6)];
    assert.equal(isLlmOnly(hs, 'rate_limiting'), false);
    assert.equal(isLlmOnly(hs, 'api_auth_failure'), true);
    assert.equal(isLlmOnly(hs, 'documentation_gap'), false);
  });
});
