import assert from 'node:assert/strict';
import { makeConfig } from '../../../src/core/config/config';
import { BUILTIN_RULES } from '../../../src/core/reason/builtin-rules';
import { compileRules } from '../../../src/core/reason/compile-rules';
import { reason } from '../../../src/core/reason/reason';
import type { Hypothesis } from '../../../src/core/report/schema';
import { events, merchantsRange, observedIncident, tickets } from './builders';
import { SHAPES } from './shapes';

const rules = compileRules();
const config = makeConfig();
const ruleIdOf = (h: Hypothesis) => (h.source.kind === 'rule' ? h.source.ruleId : `llm:${h.source.model}`);

describe('reason: built-in rules', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`${shape.ruleId} diagnoses the ${name} shape as ${shape.cause}, and no other rule fires on it`, () => {
      const result = reason(shape.incident(), { rules, config });
      assert.equal(result.cause, shape.cause, result.ambiguity.reasons.join('; '));
      assert.equal(result.ambiguity.ambiguous, false);
      assert.equal(result.reasoningMode, 'deterministic');
      assert.deepEqual(result.hypotheses.map(ruleIdOf), [shape.ruleId]);
      assert.ok(result.confidence >= config.reason.ambiguityThreshold);
    });
  }

  it('every built-in rule except the fallback has a shape, so none is untested', () => {
    const covered = new Set(Object.values(SHAPES).map((s) => s.ruleId));
    const missing = BUILTIN_RULES.filter((r) => !r.fallback && !covered.has(r.id)).map((r) => r.id);
    assert.deepEqual(missing, []);
  });

  it('explains with the incident\'s numbers, merchants and the confidence arithmetic', () => {
    const [h] = reason(SHAPES.webhookAuth!.incident(), { rules, config }).hypotheses;
    assert.ok(h);
    assert.match(h.explanation, /^38 webhook deliveries were rejected/);
    assert.match(h.explanation, /100 %/);
    assert.match(h.explanation, /\[M7\]/);
    assert.match(h.explanation, /Confidence 0\.95 = base 0\.72, \+0\.10 tickets mention webhooks, \+0\.08 confined to one or two merchants/);
    assert.ok(h.evidence.some((e) => /share:http_401@webhook\|http_403@webhook\|…\(\+5\) = 1 \(≥ 0\.40\)/.test(e)), h.evidence.join('\n'));
    assert.ok(h.evidence.includes('http_401@webhook ×30 at M7'));
    assert.deepEqual(h.source, { kind: 'rule', ruleId: 'builtin.webhook_auth_failure' });
  });

  it('a negative boost lowers a rule that fits the codes but not the scope, and ranks the better cause first', () => {
    const incident = observedIncident({
      events: [events('http_401', 'webhook', 60, ...merchantsRange(1, 12))],
      features: { detectors: ['threshold', 'spread'] },
    });
    const result = reason(incident, { rules, config });
    assert.deepEqual(
      result.hypotheses.map((h) => [h.cause, h.confidence]),
      [
        ['platform_regression', 0.85],
        ['webhook_auth_failure', 0.52],
      ],
    );
    assert.equal(result.cause, 'platform_regression');
    assert.match(result.hypotheses[1]!.explanation, /−0\.25 platform-wide, more likely a platform regression/);
  });
});

describe('reason: ambiguity', () => {
  it('top two causes within the margin ⇒ unknown, both candidates kept', () => {
    const incident = observedIncident({ events: [events('http_401', 'api', 9, 'M5'), events('http_429', 'api', 9, 'M5')] });
    const result = reason(incident, { rules, config });
    assert.equal(result.cause, 'unknown');
    assert.equal(result.reasoningMode, 'deterministic');
    assert.deepEqual(result.hypotheses.map((h) => h.cause).sort(), ['api_auth_failure', 'rate_limiting']);
    assert.deepEqual(result.ambiguity.reasons, [
      'top two hypotheses 0.00 apart (< 0.10 margin): rate_limiting 0.78 vs api_auth_failure 0.78',
    ]);
  });

  it('no rule matching ⇒ fallback unknown below the threshold, and codes unknown to every rule are named', () => {
    const incident = observedIncident({ events: [events('mystery_code', 'api', 20, 'M1'), events('http_404', 'api', 2, 'M1')] });
    const result = reason(incident, { rules, config });
    assert.equal(result.cause, 'unknown');
    assert.deepEqual(result.hypotheses.map(ruleIdOf), ['builtin.unknown']);
    assert.deepEqual(result.ambiguity.reasons, [
      'no rule matched; fallback unknown 0.30 < 0.60 ambiguity threshold',
      'error codes unknown to every rule: mystery_code (20 of 22 events)',
    ]);
    assert.match(result.hypotheses[0]!.explanation, /No rule matched \[mystery_code, http_404\] \(22 events/);
  });

  it('low observation confidence ⇒ ambiguous even with a clear rule, the factors are quoted', () => {
    const incident = SHAPES.rateLimit!.incident();
    const low = {
      ...incident,
      observationConfidence: { value: 0.4, factors: [{ name: 'tickets', delta: -0.2, detail: 'no ticket source (-0.2)' }] },
    };
    const result = reason(low, { rules, config });
    assert.equal(result.cause, 'unknown');
    assert.equal(result.hypotheses[0]!.cause, 'rate_limiting');
    assert.deepEqual(result.ambiguity.reasons, ['observation confidence 0.40 < 0.50 required (no ticket source (-0.2))']);
  });

  it('a hypothesis below the threshold is ambiguous (with the numbers)', () => {
    const strict = makeConfig({ reason: { ambiguityThreshold: 0.95 } });
    const result = reason(SHAPES.rateLimit!.incident(), { rules, config: strict });
    assert.equal(result.cause, 'unknown');
    assert.deepEqual(result.ambiguity.reasons, ['top hypothesis rate_limiting 0.93 < 0.95 ambiguity threshold']);
  });

  it('unknown codes carrying under half the events do not make an incident ambiguous', () => {
    const incident = observedIncident({
      events: [events('http_429', 'api', 30, 'M9'), events('weird_code', 'api', 10, 'M9')],
    });
    const result = reason(incident, { rules, config });
    assert.equal(result.cause, 'rate_limiting');
  });
});

describe('reason: calibration', () => {
  it('uses the calibrated confidence and attaches the calibration to the hypothesis', () => {
    const seen: [string, number][] = [];
    const result = reason(SHAPES.misconfig!.incident(), {
      rules,
      config,
      calibrate: (ruleId, raw) => {
        seen.push([ruleId, raw]);
        return { raw, calibrated: 0.55, precision: 0.5, samples: 8, detail: '4 of 8 outcomes confirmed' };
      },
    });
    assert.deepEqual(seen, [['builtin.migration_misconfiguration', 0.92]]);
    const [h] = result.hypotheses;
    assert.equal(h!.confidence, 0.55);
    assert.deepEqual(h!.calibration, { raw: 0.92, calibrated: 0.55, precision: 0.5, samples: 8, detail: '4 of 8 outcomes confirmed' });
    assert.match(h!.explanation, /calibrated to 0\.55 \(4 of 8 outcomes confirmed\)/);
    // Calibrated below the threshold: the verdict is no longer trusted.
    assert.equal(result.cause, 'unknown');
  });

  it('no calibration ⇒ raw confidence and no calibration field', () => {
    const result = reason(SHAPES.misconfig!.incident(), { rules, config, calibrate: () => undefined });
    assert.equal(result.hypotheses[0]!.confidence, 0.92);
    assert.equal('calibration' in result.hypotheses[0]!, false);
  });
});

describe('reason: determinism and speed', () => {
  it('same incident ⇒ same result', () => {
    const a = reason(SHAPES.dataInconsistency!.incident(), { rules, config });
    const b = reason(SHAPES.dataInconsistency!.incident(), { rules, config });
    assert.deepEqual(a, b);
  });

  it('reasons over 5,000 incidents in well under a second with the compiled catalogue', () => {
    const incidents = Object.values(SHAPES).map((s) => s.incident());
    const started = performance.now();
    for (let i = 0; i < 5000; i++) reason(incidents[i % incidents.length]!, { rules, config });
    const ms = performance.now() - started;
    assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
  });

  it('tickets are joined: a ticket-only incident with data complaints is api_data_inconsistency', () => {
    const result = reason(observedIncident({ tickets: [tickets('api_200_inconsistent', 3, 'M6')] }), { rules, config });
    assert.equal(result.cause, 'api_data_inconsistency');
  });
});
