import assert from 'node:assert/strict';
import { makeConfig, type CosmosConfigInput } from '../../../src/core/config/config';
import { decide, type DecideContext, type DecideInput } from '../../../src/core/decide/decide';
import { DEFAULT_RISK, POLICY } from '../../../src/core/decide/policy';
import type { Cause, Scope } from '../../../src/core/report/schema';
import { events, merchantsRange, observedIncident } from '../reason/builders';

function ctx(over: Partial<DecideContext> = {}, config: CosmosConfigInput = {}): DecideContext {
  return {
    config: makeConfig(config),
    now: Date.UTC(2026, 0, 31, 12),
    autoActionsLastHour: 0,
    alreadyProposed: () => false,
    paused: false,
    llmOnly: () => false,
    actionParams: (type, incident) => ({ merchants: incident.merchants, type }),
    actionKey: (fingerprint, type) => `${fingerprint}|${type}`,
    ...over,
  };
}

function incident(cause: Cause, confidence: number, opts: { obs?: number; scope?: Scope; merchants?: string[] } = {}): DecideInput {
  const merchants = opts.merchants ?? ['M7'];
  return {
    ...observedIncident({
      id: 'I-7',
      events: [events('http_401', 'webhook', 30, ...merchants)],
      observationConfidence: opts.obs ?? 0.9,
      ...(opts.scope ? { scope: opts.scope } : {}),
    }),
    cause,
    confidence,
  };
}

const gate = (d: ReturnType<typeof decide>, type: string, name: string) => {
  const action = d.planned.find((p) => p.report.type === type);
  assert.ok(action, `no ${type} action`);
  const g = action.report.gates.find((x) => x.name === name);
  assert.ok(g, `no ${name} gate on ${type}`);
  return g;
};
const statusOf = (d: ReturnType<typeof decide>) => Object.fromEntries(d.planned.map((p) => [p.report.type, [p.report.status, p.autoExecute]]));

describe('decide: policy', () => {
  it('proposes the policy\'s actions with their default risks, params and idempotency keys', () => {
    const d = decide(incident('webhook_auth_failure', 0.95), ctx());
    assert.deepEqual(
      d.planned.map((p) => [p.report.type, p.report.risk]),
      [
        ['draft_support_reply', 'low'],
        ['monitor', 'low'],
      ],
    );
    const draft = d.planned[0]!.report;
    assert.equal(draft.id, 'I-7:draft_support_reply');
    assert.equal(draft.key, 'fp-I-7|draft_support_reply');
    assert.deepEqual(draft.params, { merchants: ['M7'], type: 'draft_support_reply' });
  });

  it('covers every cause and only catalogue actions', () => {
    for (const [cause, actions] of Object.entries(POLICY)) {
      assert.ok(actions.length > 0, cause);
      for (const a of actions) assert.ok(a.type in DEFAULT_RISK);
    }
    assert.deepEqual(POLICY.platform_regression.map((a) => a.type), ['create_escalation', 'notify_webhook', 'pause_automation']);
    assert.deepEqual(POLICY.documentation_gap.map((a) => a.type), ['suggest_doc_update', 'draft_support_reply']);
    assert.deepEqual(POLICY.unknown.map((a) => a.type), ['monitor']);
  });
});

describe('decide: gates', () => {
  it('a confident merchant-scoped diagnosis runs its low-risk actions automatically, every gate recorded', () => {
    const d = decide(incident('webhook_auth_failure', 0.95), ctx());
    assert.deepEqual(statusOf(d), { draft_support_reply: ['pending_approval', true], monitor: ['pending_approval', true] });
    const draft = d.planned[0]!.report;
    assert.ok(draft.gates.every((g) => g.passed));
    assert.deepEqual(
      draft.gates.map((g) => g.name),
      ['autonomy', 'effects_allowed', 'target_configured', 'cooldown', 'observation_confidence', 'reasoning_confidence', 'risk', 'scope', 'llm_only', 'paused', 'rate_limit'],
    );
    assert.match(draft.reason, /^executes automatically: all 11 gates passed/);
    assert.equal(gate(d, 'draft_support_reply', 'reasoning_confidence').detail, 'reasoning confidence 0.95 ≥ 0.60 required for low risk');
  });

  it('observation confidence below the minimum blocks automation, with the numbers', () => {
    const d = decide(incident('webhook_auth_failure', 0.95, { obs: 0.45 }), ctx());
    assert.deepEqual(statusOf(d), { draft_support_reply: ['blocked', false], monitor: ['blocked', false] });
    const g = gate(d, 'draft_support_reply', 'observation_confidence');
    assert.deepEqual(g, {
      name: 'observation_confidence',
      passed: false,
      detail: 'observation confidence 0.45 < 0.60 required: automation blocked',
      value: 0.45,
      required: 0.6,
      effect: 'block',
    });
    assert.equal(d.decision.bindingGate, 'observation_confidence (draft_support_reply)');
    assert.equal(d.decision.margin, -0.15);
    assert.match(d.decision.summary, /2 blocked \(draft_support_reply, monitor\); binding gate observation_confidence \(draft_support_reply\) failed by 0\.15$/);
  });

  it('reasoning confidence below the bar of the action\'s risk asks for approval; the binding gate is the closest one', () => {
    const d = decide(incident('documentation_gap', 0.75), ctx());
    assert.deepEqual(statusOf(d), { suggest_doc_update: ['pending_approval', false], draft_support_reply: ['pending_approval', true] });
    const g = gate(d, 'suggest_doc_update', 'reasoning_confidence');
    assert.equal(g.detail, 'reasoning confidence 0.75 < 0.80 required for medium risk: needs approval');
    assert.equal(g.effect, 'require_approval');
    assert.equal(gate(d, 'suggest_doc_update', 'autonomy').detail, 'autonomy "auto-low-risk" runs only low-risk actions; medium risk needs approval');
    assert.equal(d.decision.bindingGate, 'reasoning_confidence (suggest_doc_update)');
    assert.equal(d.decision.margin, -0.05);
    assert.equal(
      d.decision.summary,
      'documentation_gap at 0.75: 1 automatic (draft_support_reply), 1 awaiting approval (suggest_doc_update); binding gate reasoning_confidence (suggest_doc_update) failed by 0.05',
    );
  });

  it('a platform-wide incident needs approval for everything; notify_webhook is skipped without a URL', () => {
    const d = decide(incident('platform_regression', 0.9, { scope: 'platform', merchants: merchantsRange(1, 12) }), ctx());
    assert.deepEqual(statusOf(d), {
      create_escalation: ['pending_approval', false],
      notify_webhook: ['skipped', false],
      pause_automation: ['pending_approval', false],
    });
    assert.equal(gate(d, 'create_escalation', 'scope').detail, 'platform-wide incident: a human approves every action');
    assert.equal(gate(d, 'create_escalation', 'risk').detail, 'high-risk actions always need approval');
    assert.equal(
      gate(d, 'create_escalation', 'target_configured').detail,
      'no escalation URL configured (act.escalationUrl): the report file is written, nothing is POSTed',
    );
    assert.match(d.planned[1]!.report.reason, /^skipped: no webhook URL configured \(act\.webhookUrl\): nothing to notify/);
    const configured = decide(
      incident('platform_regression', 0.9, { scope: 'platform', merchants: merchantsRange(1, 12) }),
      ctx({}, { act: { webhookUrl: 'https://chat.example.com/hook' } }),
    );
    assert.deepEqual(statusOf(configured).notify_webhook, ['pending_approval', false]);
  });

  it('high risk always needs approval, even when every other gate passes', () => {
    const d = decide(incident('api_data_inconsistency', 0.95), ctx());
    assert.deepEqual(statusOf(d), { create_escalation: ['pending_approval', false], draft_support_reply: ['pending_approval', true] });
    const failing = d.planned[0]!.report.gates.filter((g) => !g.passed).map((g) => g.name);
    assert.deepEqual(failing, ['autonomy', 'risk']);
  });

  it('autonomy off skips everything; suggest turns every action into an approval', () => {
    const off = decide(incident('webhook_auth_failure', 0.95), ctx({}, { decide: { autonomy: 'off' } }));
    assert.deepEqual(statusOf(off), { draft_support_reply: ['skipped', false], monitor: ['skipped', false] });
    assert.equal(gate(off, 'monitor', 'autonomy').detail, 'autonomy is off: COSMOS observes and reasons but proposes nothing');
    assert.equal(off.decision.bindingGate, 'autonomy');
    const suggest = decide(incident('webhook_auth_failure', 0.95), ctx({}, { decide: { autonomy: 'suggest' } }));
    assert.deepEqual(statusOf(suggest), { draft_support_reply: ['pending_approval', false], monitor: ['pending_approval', false] });
    assert.equal(gate(suggest, 'monitor', 'autonomy').effect, 'require_approval');
  });

  it('the hourly rate limit counts earlier automatic actions and the ones planned in this decision', () => {
    const d = decide(incident('webhook_auth_failure', 0.95), ctx({ autoActionsLastHour: 19 }));
    assert.deepEqual(statusOf(d), { draft_support_reply: ['pending_approval', true], monitor: ['pending_approval', false] });
    assert.deepEqual(gate(d, 'draft_support_reply', 'rate_limit'), {
      name: 'rate_limit',
      passed: true,
      detail: '19 automatic actions in the last hour < 20 per hour',
      value: 19,
      required: 20,
      effect: 'require_approval',
    });
    assert.equal(gate(d, 'monitor', 'rate_limit').detail, '20 automatic actions in the last hour reached the limit of 20 per hour: needs approval');
  });

  it('cooldown: an action already proposed under the same key is skipped, the others still go ahead', () => {
    const d = decide(incident('webhook_auth_failure', 0.95), ctx({ alreadyProposed: (key) => key === 'fp-I-7|draft_support_reply' }));
    assert.deepEqual(statusOf(d), { draft_support_reply: ['skipped', false], monitor: ['pending_approval', true] });
    assert.equal(gate(d, 'draft_support_reply', 'cooldown').detail, 'the same draft_support_reply was already proposed for this incident within the 6 h cooldown');
  });

  it('a diagnosis that came only from the LLM never executes without approval', () => {
    const d = decide(incident('webhook_auth_failure', 0.95), ctx({ llmOnly: (cause) => cause === 'webhook_auth_failure' }));
    assert.deepEqual(statusOf(d), { draft_support_reply: ['pending_approval', false], monitor: ['pending_approval', false] });
    assert.equal(
      gate(d, 'draft_support_reply', 'llm_only').detail,
      'the webhook_auth_failure diagnosis came only from the LLM: it never executes without approval',
    );
  });

  it('paused automation turns automatic actions into approvals, and does not pause twice', () => {
    const d = decide(incident('webhook_auth_failure', 0.95), ctx({ paused: true }));
    assert.deepEqual(statusOf(d), { draft_support_reply: ['pending_approval', false], monitor: ['pending_approval', false] });
    const platform = decide(incident('platform_regression', 0.95, { scope: 'platform', merchants: merchantsRange(1, 12) }), ctx({ paused: true }));
    assert.deepEqual(statusOf(platform).pause_automation, ['skipped', false]);
  });

  it('an unknown cause only monitors, which needs no reasoning confidence', () => {
    const d = decide(incident('unknown', 0.3), ctx());
    assert.deepEqual(statusOf(d), { monitor: ['pending_approval', true] });
    assert.equal(gate(d, 'monitor', 'reasoning_confidence').detail, 'reasoning confidence 0.30 ≥ 0.00 required for monitor (no minimum)');
  });

  it('an untrusted workspace (effects off) skips every effect but keeps the monitoring note', () => {
    const d = decide(incident('webhook_auth_failure', 0.95), ctx({}, { act: { allowEffects: false } }));
    assert.deepEqual(statusOf(d), { draft_support_reply: ['skipped', false], monitor: ['pending_approval', true] });
  });

  it('the binding gate margin is positive when the closest gate passed', () => {
    const d = decide(incident('webhook_auth_failure', 0.7, { obs: 0.9 }), ctx());
    assert.equal(d.decision.bindingGate, 'reasoning_confidence (draft_support_reply)');
    assert.equal(d.decision.margin, 0.1);
    assert.match(d.decision.summary, /binding gate reasoning_confidence \(draft_support_reply\) passed by 0\.10$/);
    assert.equal(d.decision.cause, 'webhook_auth_failure');
    assert.equal(d.decision.confidence, 0.7);
  });
});
