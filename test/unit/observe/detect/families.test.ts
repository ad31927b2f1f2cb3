import assert from 'node:assert/strict';
import { eventFamily, isCheckoutFailure, isErrorCode, isHowTo, ticketFamily } from '../../../../src/core/observe/detect/families';
import { fmtDuration, naturalCompare } from '../../../../src/core/observe/detect/format';

describe('signature families', () => {
  it('puts event signatures in the family the rules reason about', () => {
    const cases: [string, string, string][] = [
      ['http_401', 'webhook', 'webhook'],
      ['webhook_signature_invalid', 'webhook', 'webhook'],
      ['http_429', 'webhook', 'rate_limit'],
      ['rate_limited', 'api', 'rate_limit'],
      ['checkout_timeout', 'api', 'checkout'],
      ['payment_gateway_error', 'payment', 'checkout'],
      ['http_401', 'api', 'api_auth'],
      ['http_403', 'api', 'api_auth'],
      ['token_expired', 'api', 'api_auth'],
      ['sync_lag', 'api', 'data_inconsistency'],
      ['inventory_sync_delayed', 'api', 'data_inconsistency'],
      ['api_200_inconsistent', 'api', 'data_inconsistency'],
      ['hydration_error', 'frontend', 'frontend'],
      ['http_500', 'api', 'service:api'],
      ['async_timeout', 'api', 'service:api'],
    ];
    for (const [code, service, family] of cases) assert.equal(eventFamily(code, service), family, `${code}@${service}`);
  });

  it('puts ticket issues in families, keeping questions and requests apart from failure reports', () => {
    const cases: [string, string][] = [
      ['webhook_not_received', 'webhook'],
      ['webhook_auth_error', 'webhook'],
      ['checkout_broken', 'checkout'],
      ['api_200_inconsistent', 'data_inconsistency'],
      ['rate_limited', 'rate_limit'],
      ['login_problem', 'api_auth'],
      ['how_to', 'docs'],
      ['setup_question', 'docs'],
      ['feature_request', 'request'],
      ['billing', 'request'],
      ['platform_outage', 'general'],
    ];
    for (const [issue, family] of cases) assert.equal(ticketFamily(issue), family, issue);
  });

  it('knows successes from failures and failed checkouts from the rest', () => {
    assert.equal(isErrorCode('http_200'), false);
    assert.equal(isErrorCode('http_304'), false);
    assert.equal(isErrorCode('retry_succeeded'), false);
    assert.equal(isErrorCode('http_499'), true);
    assert.equal(isErrorCode('checkout_timeout'), true);
    assert.equal(isCheckoutFailure('checkout_timeout', 'api'), true);
    assert.equal(isCheckoutFailure('checkout_failed', 'checkout'), true);
    assert.equal(isCheckoutFailure('checkout_timeout', 'frontend'), false);
    assert.equal(isCheckoutFailure('http_500', 'checkout'), false);
  });

  it('recognises how-to questions by issue or text', () => {
    assert.equal(isHowTo('how_to', undefined), true);
    assert.equal(isHowTo('general', 'How do I rotate the webhook secret?'), true);
    assert.equal(isHowTo('general', 'Where can I find the API docs?'), true);
    assert.equal(isHowTo('checkout_broken', 'Checkout has been failing since 10:00'), false);
  });
});

describe('wording helpers', () => {
  it('sorts merchant ids the way people read them', () => {
    assert.deepEqual(['M10', 'M2', 'M1', 'M1b', 'M02', 'A'].sort(naturalCompare), ['A', 'M1', 'M1b', 'M2', 'M02', 'M10']);
  });

  it('renders durations with at most one decimal', () => {
    assert.equal(fmtDuration(600_000), '10 min');
    assert.equal(fmtDuration(3.5 * 3_600_000), '3.5 h');
    assert.equal(fmtDuration(45_000), '45 s');
    assert.equal(fmtDuration(2 * 86_400_000), '2 d');
  });
});
