import { strict as assert } from 'node:assert';
import { calibrate, observedPrecision, smoothedPrecision } from '../../../src/core/memory/calibration';

describe('memory/calibration', () => {
  it('does nothing below three outcomes', () => {
    assert.equal(calibrate('r', 0.8, { resolved: 2, false_positive: 0, wrong_cause: 0 }), undefined);
    assert.equal(observedPrecision({ resolved: 0, false_positive: 0, wrong_cause: 0 }), undefined);
  });

  it('smooths precision with a Beta(2,1) prior and scales confidence by precision / prior mean', () => {
    // 3 resolved of 4: smoothed (3+2)/(4+3) = 5/7; factor (5/7)/(2/3) = 15/14.
    const c = calibrate('webhook-401', 0.7, { resolved: 3, false_positive: 1, wrong_cause: 0 })!;
    assert.equal(c.precision, 0.714);
    assert.equal(c.calibrated, Math.round(0.7 * (15 / 14) * 1000) / 1000);
    assert.equal(c.samples, 4);
    assert.equal(c.raw, 0.7);
    assert.match(c.detail, /rule webhook-401 was confirmed 3 of 4 time\(s\) \(1 false positive, 0 wrong cause\); smoothed precision 0\.71 vs prior 0\.67, so confidence 0\.70 → 0\.75/);
  });

  it('lowers a rule that is mostly wrong and never reaches 0 or 1', () => {
    const bad = calibrate('r', 0.9, { resolved: 0, false_positive: 5, wrong_cause: 5 })!;
    assert.equal(bad.precision, Math.round((2 / 13) * 1000) / 1000);
    assert.ok(bad.calibrated < 0.25);
    const good = calibrate('r', 0.95, { resolved: 200, false_positive: 0, wrong_cause: 0 })!;
    assert.equal(good.calibrated, 0.99);
    assert.equal(calibrate('r', 0, { resolved: 0, false_positive: 50, wrong_cause: 0 })!.calibrated, 0.01);
  });

  it('moves further from the prior as evidence accumulates', () => {
    const few = smoothedPrecision({ resolved: 0, false_positive: 3, wrong_cause: 0 });
    const many = smoothedPrecision({ resolved: 0, false_positive: 30, wrong_cause: 0 });
    assert.ok(many < few && few < 2 / 3);
  });
});
