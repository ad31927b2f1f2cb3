import * as assert from 'node:assert/strict';
import type { Trends } from '../../../src/core/loop/agent-api';
import type { Incident } from '../../../src/core/report/schema';
import {
  buildTrace,
  buildTrendsView,
  coarsenTrends,
  filterAndSort,
  niceScale,
  summarizeIncident,
} from '../../../src/shared/dashboard-view-model';
import { approvalFor, makeIncident } from '../../fakes/fake-agent';

/** Incident `i` of the fake has mode MODES[floor(i/6) % 6] and scenario i % 6 (see test/fakes/fake-agent.ts). */
function incidentWith(mode: Incident['reasoningMode'], scenario = 0): Incident {
  const modes = ['deterministic', 'deterministic', 'deterministic', 'hybrid', 'llm', 'llm_failed'];
  return makeIncident(modes.indexOf(mode!) * 6 + scenario);
}

describe('dashboard view model: the ORDA trace', () => {
  it('deterministic: says rules decided without an LLM and shows no LLM call', () => {
    const t = buildTrace(incidentWith('deterministic'), []);
    assert.equal(t.reason.mode, 'deterministic');
    assert.equal(t.reason.modeBadge?.label, 'Rules');
    assert.match(t.reason.modeDetail, /^Rules only: the rules were confident and unambiguous, so no LLM was asked\.$/);
    assert.equal(t.reason.llm, undefined);
    assert.ok(t.reason.hypotheses.every((h) => h.sourceKind === 'rule'));
    assert.match(t.headline.believes, /^Webhook auth failure \(\d+ % confident, rules\)\.$/);
  });

  it('llm: shows the redacted prompt, the raw answer, latency and cache, and the model as a source', () => {
    const inc = incidentWith('llm');
    const t = buildTrace(inc, []);
    assert.equal(t.reason.modeBadge?.label, 'LLM');
    assert.match(t.reason.modeDetail, /^The LLM decided the cause — ambiguous: top two hypotheses within 0\.10\.$/);
    assert.ok(t.reason.llm);
    assert.equal(t.reason.llm.prompt, inc.llm!.prompt);
    assert.match(t.reason.llm.prompt, /\[REDACTED_EMAIL\]/);
    assert.equal(t.reason.llm.rawAnswer, inc.llm!.rawAnswer);
    assert.match(t.reason.llm.latency, /^\d+(\.\d)? s$|^\d+ ms$/);
    assert.equal(t.reason.llm.cache, 'cache miss');
    const model = t.reason.hypotheses.find((h) => h.sourceKind === 'llm');
    assert.equal(model?.source, 'model phi3:mini');
    assert.equal(model?.agreement, 'A rule agrees with this LLM hypothesis');
  });

  it('hybrid: lists the repairs applied to the model output', () => {
    const t = buildTrace(incidentWith('hybrid'), []);
    assert.equal(t.reason.modeBadge?.label, 'Hybrid');
    assert.deepEqual(t.reason.llm?.repairs, ['stripped markdown code fence', 'clamped confidence 1.3 → 1']);
  });

  it('llm_failed: names the failure and the fallback to the rules', () => {
    const t = buildTrace(incidentWith('llm_failed'), []);
    assert.equal(t.reason.modeBadge?.label, 'LLM failed');
    assert.equal(t.reason.modeDetail, "The LLM was asked but failed (timeout after 30 s); fell back to the rules' decision.");
    assert.equal(t.reason.llm?.error, 'timeout after 30 s');
    assert.equal(t.reason.llm?.rawAnswer, undefined);
    assert.equal(t.reason.llm?.attempts, 2);
  });

  it('an incident still being observed: nothing reasoned, nothing decided, nothing wanted', () => {
    const base = makeIncident(0);
    const { cause: _c, confidence: _f, reasoningMode: _m, hypotheses: _h, decision: _d, llm: _l, ambiguity: _a, ...observed } = base;
    const t = buildTrace(observed as Incident, []);
    assert.equal(t.reason.reasoned, false);
    assert.equal(t.reason.modeDetail, 'Not reasoned yet: the incident is still being observed.');
    assert.equal(t.decide.decided, false);
    assert.equal(t.headline.believes, 'No cause yet: the agent is still observing.');
    assert.equal(t.headline.wants, 'Nothing yet.');
    assert.equal(t.act.actions.length, 0);
  });

  it('marks the chosen hypothesis once, sorted by confidence', () => {
    const t = buildTrace(incidentWith('hybrid'), []);
    const conf = t.reason.hypotheses.map((h) => h.confidence);
    assert.deepEqual(conf, [...conf].sort((a, b) => b - a));
    assert.equal(t.reason.hypotheses.filter((h) => h.chosen).length, 1);
  });

  it('shows calibration when outcome feedback adjusted a rule', () => {
    const t = buildTrace(makeIncident(0), []);
    const rule = t.reason.hypotheses.find((h) => h.source === 'rule webhook-401-after-migration');
    assert.match(rule?.calibration ?? '', /^calibrated [\d.]+ → [\d.]+ \(rule precision 82 % over 17 outcomes\): 3 of 17 outcomes were false positives$/);
  });
});

describe('dashboard view model: gates', () => {
  function withGates(passed: boolean): Incident {
    const inc = makeIncident(0);
    const value = passed ? 0.93 : 0.62;
    return {
      ...inc,
      decision: {
        ...inc.decision!,
        bindingGate: 'reasoning_confidence',
        margin: Math.round((value - 0.8) * 100) / 100,
        actions: inc.decision!.actions.map((a) =>
          a.type === 'monitor'
            ? a
            : {
                ...a,
                risk: 'medium' as const,
                gates: [
                  { name: 'observation_confidence', passed: true, detail: 'observation confidence 0.88 ≥ 0.60', value: 0.88, required: 0.6, effect: 'block' as const },
                  {
                    name: 'reasoning_confidence',
                    passed,
                    detail: `reasoning confidence ${value} ${passed ? '≥' : '<'} 0.80 required for medium risk`,
                    value,
                    required: 0.8,
                    effect: 'require_approval' as const,
                  },
                ],
              },
        ),
      },
    };
  }

  it('a failed gate shows its numbers, its effect, and is the binding gate with the margin it failed by', () => {
    const t = buildTrace(withGates(false), []);
    const gate = t.decide.groups.flatMap((g) => g.gates).find((g) => g.name === 'reasoning_confidence')!;
    assert.equal(gate.passed, false);
    assert.equal(gate.verdict, 'failed');
    assert.equal(gate.numbers, '0.62 < 0.80 required');
    assert.equal(gate.effect, 'requires approval');
    assert.equal(gate.binding, true);
    assert.equal(t.decide.binding?.passed, false);
    assert.equal(t.decide.binding?.margin, '−0.18');
    assert.equal(
      t.decide.binding?.sentence,
      'The binding gate was “reasoning_confidence”: it failed by a margin of 0.18. reasoning confidence 0.62 < 0.80 required for medium risk',
    );
  });

  it('a passed gate has no effect, and the binding sentence says it passed', () => {
    const t = buildTrace(withGates(true), []);
    const gates = t.decide.groups.flatMap((g) => g.gates);
    assert.ok(gates.every((g) => g.passed && g.effect === undefined));
    assert.equal(gates.find((g) => g.name === 'reasoning_confidence')?.numbers, '0.93 ≥ 0.80 required');
    assert.equal(t.decide.binding?.margin, '+0.13');
    assert.match(t.decide.binding!.sentence, /it passed by a margin of 0\.13\./);
    assert.equal(gates.filter((g) => g.binding).length, 1);
  });

  it('a blocking observation gate blocks the action and the headline says what happened', () => {
    // Scenario 0 incidents whose observation confidence is below 0.60 are blocked by the fake's policy.
    let inc: Incident | undefined;
    for (let i = 0; i < 600 && !inc; i += 6) {
      const c = makeIncident(i);
      if (c.observationConfidence.value < 0.6) inc = c;
    }
    assert.ok(inc, 'fixture: some incident has low observation confidence');
    const t = buildTrace(inc, []);
    const action = t.act.actions.find((a) => a.type !== 'monitor')!;
    assert.equal(action.status.label, 'Blocked');
    const obs = t.decide.groups.flatMap((g) => g.gates).find((g) => g.name === 'observation_confidence')!;
    assert.equal(obs.effect, 'blocks the action');
    assert.equal(t.headline.wants, 'Notify webhook: blocked.');
  });
});

describe('dashboard view model: observe and act', () => {
  it('anomalies carry detector, baseline, observed and threshold; a missing baseline says so', () => {
    const t = buildTrace(makeIncident(0), []);
    const [threshold, fresh] = t.observe.anomalies;
    assert.equal(threshold!.detector, 'Repeat threshold');
    assert.match(threshold!.comparison, /^observed \d+ ≥ threshold 5 \(baseline [\d.]+\)$/);
    assert.equal(fresh!.detector, 'New error code');
    assert.equal(fresh!.baseline, 'none');
    assert.equal(fresh!.comparison, 'observed 1 ≥ threshold 1 (no baseline)');
  });

  it('evidence links carry the exact file, line and column', () => {
    const inc = makeIncident(2);
    const t = buildTrace(inc, []);
    assert.equal(t.observe.evidence[0]!.location, `events.ndjson:${inc.evidence[0]!.line}:1`);
    assert.equal(t.observe.evidence[0]!.line, inc.evidence[0]!.line);
    assert.deepEqual(t.observe.evidenceFiles, [
      { file: 'events.ndjson', count: 3 },
      { file: 'tickets.json', count: 1 },
    ]);
  });

  it('observation confidence shows what lowered it, with a signed delta', () => {
    const inc = makeIncident(1);
    const t = buildTrace(inc, []);
    const f = inc.observationConfidence.factors[0]!;
    assert.equal(t.observe.confidenceFactors[0]!.delta, `−${Math.abs(f.delta).toFixed(2)}`);
    assert.equal(t.observe.confidenceFactors[0]!.name, 'no ticket for most merchants');
  });

  it('a pending approval shows on its action with the exact parameters, and the headline asks for it', () => {
    const inc = makeIncident(0);
    const approval = approvalFor(inc);
    assert.ok(approval, 'fixture: incident 0 needs approval');
    const t = buildTrace(inc, [approval]);
    const act = t.act.actions.find((a) => a.type === 'notify_webhook')!;
    assert.equal(act.approval?.pending, true);
    assert.equal(act.approval?.id, approval.id);
    assert.equal(act.params, JSON.stringify(inc.decision!.actions[1]!.params, null, 2));
    assert.equal(t.act.pending, 1);
    assert.equal(t.headline.wants, 'Needs your approval to: Notify webhook (high risk).');
  });

  it('a pending monitor-only approval is named in the headline (count and list agree)', () => {
    const base = makeIncident(0);
    const monitor = { ...base.decision!.actions[1]!, type: 'monitor' as const, risk: 'low' as const };
    const inc = { ...base, decision: { ...base.decision!, actions: [monitor] } };
    const t = buildTrace(inc, [approvalFor(inc)!]);
    assert.equal(t.act.pending, 1);
    assert.match(t.headline.wants, /^Needs your approval to: Monitor \(low risk\)\.$/);
  });

  it('a decided approval shows who decided and why', () => {
    const inc = makeIncident(0);
    const approval = { ...approvalFor(inc)!, status: 'rejected' as const, decidedBy: 'vscode:ana', decisionReason: 'wrong merchant list' };
    const t = buildTrace(inc, [approval]);
    const act = t.act.actions.find((a) => a.type === 'notify_webhook')!;
    assert.equal(act.approval?.pending, false);
    assert.equal(act.approval?.decided, 'Rejected by vscode:ana: wrong merchant list');
  });
});

describe('dashboard view model: list', () => {
  const incidents = Array.from({ length: 60 }, (_, i) => makeIncident(i));
  const summaries = incidents.map((inc) => summarizeIncident(inc, approvalFor(inc) ? 1 : 0, 1));

  it('filters by status, cause, risk, mode and the "none" value', () => {
    const open = filterAndSort(summaries, { status: 'open' });
    assert.ok(open.length > 0 && open.every((s) => s.status === 'open'));
    const high = filterAndSort(summaries, { risk: 'high' });
    assert.ok(high.length > 0 && high.every((s) => s.risk === 'high'));
    const failed = filterAndSort(summaries, { mode: 'llm_failed', cause: 'webhook_auth_failure' });
    assert.ok(failed.length > 0 && failed.every((s) => s.mode === 'llm_failed' && s.cause === 'webhook_auth_failure'));
    assert.equal(filterAndSort(summaries, { mode: 'none' }).length, 0);
  });

  it('searches by any merchant id (not only the first five shown) and by id, case-insensitively', () => {
    const many = incidents.find((i) => i.merchants.length > 6)!;
    const hidden = many.merchants[6]!;
    assert.ok(filterAndSort(summaries, { search: hidden.toUpperCase() }).some((s) => s.id === many.id));
    assert.deepEqual(
      filterAndSort(summaries, { search: ' INC_00042 ' }).map((s) => s.id),
      ['inc_00042'],
    );
  });

  it('sorts incidents awaiting approval first, then open before quiet before resolved, then most recent', () => {
    const sorted = filterAndSort(summaries, {});
    const firstWithout = sorted.findIndex((s) => s.pendingApprovals === 0);
    assert.ok(sorted.slice(firstWithout).every((s) => s.pendingApprovals === 0));
    const rank = { open: 0, quiet: 1, resolved: 2 };
    const tail = sorted.slice(firstWithout);
    for (let i = 1; i < tail.length; i++) assert.ok(rank[tail[i - 1]!.status] <= rank[tail[i]!.status]);
  });

  it('the summary takes the highest non-monitor risk', () => {
    const s = summarizeIncident(makeIncident(0), 0, 0);
    assert.equal(s.risk, 'high');
    assert.equal(s.actionCount, 1);
  });
});

describe('dashboard view model: trends', () => {
  const H = 3_600_000;
  const trends: Trends = {
    bucketMs: H,
    causeCounts: [
      { bucket: 0, cause: 'rate_limiting', count: 2 },
      { bucket: 0, cause: 'webhook_auth_failure', count: 3 },
      { bucket: H, cause: 'rate_limiting', count: 4 },
    ],
    confidence: [
      { bucket: 0, cause: 'rate_limiting', mean: 0.5 },
      { bucket: H, cause: 'rate_limiting', mean: 0.8 },
      { bucket: 0, cause: 'webhook_auth_failure', mean: 1.7 },
    ],
    modeMix: [
      { mode: 'deterministic', count: 6 },
      { mode: 'llm', count: 2 },
      { mode: 'hybrid', count: 0 },
    ],
    outcomes: [{ outcome: 'false_positive', count: 2 }],
    rulePrecision: [
      { ruleId: 'b', precision: 0.5, samples: 4 },
      { ruleId: 'a', precision: 0.9, samples: 10 },
    ],
    llm: { calls: 8, failures: 2, cacheHits: 2, meanLatencyMs: 1250 },
  };

  it('stacks causes per bucket in a stable cause order with cumulative bounds', () => {
    const v = buildTrendsView(trends);
    assert.deepEqual(v.causes.map((c) => c.cause), ['webhook_auth_failure', 'rate_limiting']);
    assert.deepEqual(
      v.causeBars[0]!.segments.map((s) => [s.cause, s.y0, s.y1]),
      [
        ['webhook_auth_failure', 0, 3],
        ['rate_limiting', 3, 5],
      ],
    );
    assert.equal(v.maxTotal, 5);
    assert.deepEqual(v.causeBars.map((b) => b.label), ['00:00', '01:00']);
  });

  it('mode mix drops empty modes and gives shares; confidence is clamped to [0,1]', () => {
    const v = buildTrendsView(trends);
    assert.deepEqual(v.modeMix.map((m) => [m.mode, m.percent]), [
      ['deterministic', '75 %'],
      ['llm', '25 %'],
    ]);
    assert.equal(v.confidence.find((s) => s.cause === 'webhook_auth_failure')!.points[0]!.mean, 1);
  });

  it('LLM rates, outcomes and rule precision sorted by samples', () => {
    const v = buildTrendsView(trends);
    assert.equal(v.llm.failureRate, '25 %');
    assert.equal(v.llm.cacheRate, '20 %');
    assert.equal(v.llm.meanLatency, '1.3 s');
    assert.deepEqual(v.rulePrecision.map((r) => r.ruleId), ['a', 'b']);
    assert.deepEqual(v.outcomes, [{ outcome: 'false_positive', label: 'False positive', count: 2 }]);
    assert.equal(v.empty, false);
  });

  it('a long history is merged into at most maxBuckets bars, with count-weighted confidence', () => {
    const long: Trends = {
      ...trends,
      causeCounts: Array.from({ length: 100 }, (_, i) => ({ bucket: i * H, cause: 'rate_limiting', count: i % 2 ? 3 : 1 })),
      confidence: Array.from({ length: 100 }, (_, i) => ({ bucket: i * H, cause: 'rate_limiting', mean: i % 2 ? 0.9 : 0.5 })),
    };
    const c = coarsenTrends(long, 48);
    assert.equal(c.bucketMs, 3 * H);
    const total = c.causeCounts.reduce((s, x) => s + x.count, 0);
    assert.equal(total, 200);
    const v = buildTrendsView(long, 48);
    assert.ok(v.causeBars.length <= 48);
    // First merged bucket: hours 0,1,2 with counts 1,3,1 and means .5,.9,.5 → (0.5+2.7+0.5)/5 = 0.74
    assert.ok(Math.abs(c.confidence.find((x) => x.bucket === 0)!.mean - 0.74) < 1e-9);
  });

  it('no data means an empty view, not a chart of zeros', () => {
    const v = buildTrendsView({ bucketMs: H, causeCounts: [], confidence: [], modeMix: [], outcomes: [], rulePrecision: [], llm: { calls: 0, failures: 0, cacheHits: 0, meanLatencyMs: null } });
    assert.equal(v.empty, true);
    assert.equal(v.llm.failureRate, '—');
  });

  it('axis scale rounds up to a nice number', () => {
    assert.deepEqual(niceScale(37), { max: 40, ticks: [0, 10, 20, 30, 40] });
    assert.deepEqual(niceScale(0), { max: 1, ticks: [0, 1] });
  });
});
