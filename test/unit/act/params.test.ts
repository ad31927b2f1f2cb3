import { strict as assert } from 'node:assert';
import { ACTION_CATALOGUE, UnknownActionError, actionSpec } from '../../../src/core/act/catalogue';
import { ActionUnavailableError, actionHash, actionKey, buildActionParams, prepareAction, safeSegment } from '../../../src/core/act/params';
import { ACTION_TYPES, type ActionType } from '../../../src/core/report/schema';
import { INJECTION_TEXT, config, incident } from './builders';

describe('act/params', () => {
  const cfg = config({ act: { webhookUrl: 'https://hooks.example.com/services/T0/B0/SECRETPATH', escalationUrl: 'https://esc.example.com/api' } });

  it('keeps the documented default risks and rejects anything outside the catalogue', () => {
    const risks = Object.fromEntries(ACTION_TYPES.map((t) => [t, ACTION_CATALOGUE[t].defaultRisk]));
    assert.deepEqual(risks, {
      monitor: 'low',
      draft_support_reply: 'low',
      suggest_doc_update: 'medium',
      create_escalation: 'high',
      notify_webhook: 'medium',
      pause_automation: 'medium',
    });
    for (const bad of ['delete_database', 'constructor', '__proto__', 'toString', '']) {
      assert.throws(() => actionSpec(bad), UnknownActionError);
    }
    assert.throws(() => buildActionParams('run_shell' as ActionType, incident(), cfg), /not an action COSMOS can take/);
  });

  it('never takes parameters from ticket, title or model text', () => {
    const inc = incident({
      title: INJECTION_TEXT,
      hypotheses: [{ cause: 'webhook_auth_failure', confidence: 0.9, explanation: INJECTION_TEXT, evidence: [INJECTION_TEXT], source: { kind: 'llm', model: 'phi3' } }],
      llm: { model: 'phi3', prompt: INJECTION_TEXT, rawAnswer: INJECTION_TEXT, repairs: [], cacheHit: false, attempts: 1 },
    });
    for (const t of ACTION_TYPES) {
      const text = JSON.stringify(buildActionParams(t, inc, cfg));
      assert.ok(!text.includes('IGNORE'), `${t} params carry untrusted text: ${text}`);
      assert.ok(!text.includes('evil.example'), `${t} params carry a URL from text`);
    }
  });

  it('binds webhook URLs by hash and origin, never storing the secret path', () => {
    const p = buildActionParams('notify_webhook', incident(), cfg);
    assert.ok(!JSON.stringify(p).includes('SECRETPATH'));
    assert.deepEqual((p.target as { origin: string }).origin, 'https://hooks.example.com/…');
    const other = buildActionParams('notify_webhook', incident(), config({ act: { webhookUrl: 'https://hooks.example.com/services/T0/B0/OTHER' } }));
    assert.notEqual(actionHash('notify_webhook', p), actionHash('notify_webhook', other), 'a changed URL must change the action');
  });

  it('refuses notify_webhook when no webhook is configured', () => {
    assert.throws(() => buildActionParams('notify_webhook', incident(), config()), ActionUnavailableError);
  });

  it('produces stable keys and hashes regardless of input order, and different ones when identity changes', () => {
    const a = prepareAction('draft_support_reply', incident(), cfg);
    const b = prepareAction('draft_support_reply', incident({ merchants: ['m-cargo', 'm-acme', 'm-bolt', 'm-acme'] }), cfg);
    assert.equal(a.key, b.key);
    assert.equal(a.hash, b.hash);
    assert.match(a.key, /^[0-9a-f]{64}$/);
    assert.equal(a.id, `ACT-${a.key.slice(0, 12)}`);
    // Key order of a params object does not matter.
    const reordered = Object.fromEntries(Object.entries(a.params).reverse());
    assert.equal(actionKey('fp-webhook-401', 'draft_support_reply', reordered), a.key);
    // Confidence is content, not identity.
    assert.equal(prepareAction('draft_support_reply', incident({ confidence: 0.65 }), cfg).key, a.key);
    // A new merchant, another fingerprint or another action type is another action.
    assert.notEqual(prepareAction('draft_support_reply', incident({ merchants: ['m-acme', 'm-bolt', 'm-cargo', 'm-dune'] }), cfg).key, a.key);
    assert.notEqual(prepareAction('draft_support_reply', incident({ fingerprint: 'fp-other' }), cfg).key, a.key);
    assert.notEqual(prepareAction('suggest_doc_update', incident(), cfg).key, a.key);
  });

  it('derives one draft file per merchant with safe file names', () => {
    const p = buildActionParams('draft_support_reply', incident({ merchants: ['m-acme', '../../etc/passwd', 'a/b'] }), cfg);
    const files = p.files as { merchantId: string; path: string }[];
    assert.equal(files.length, 3);
    for (const f of files) {
      assert.match(f.path, /^INC-1\/reply-[A-Za-z0-9._-]+\.md$/);
      assert.ok(!f.path.includes('..'));
    }
    assert.notEqual(safeSegment('a/b'), safeSegment('a_b'));
    assert.deepEqual(p.ticketIds, ['T-100', 'T-101']);
  });
});
