import assert from 'node:assert/strict';
import { compileCondition, validateCondition, type Condition } from '../../../src/core/reason/condition';
import { FeatureView } from '../../../src/core/reason/feature-view';
import { compilePattern } from '../../../src/core/reason/pattern';
import { events, merchantsRange, observedIncident, tickets } from './builders';

const incident = observedIncident({
  events: [events('http_401', 'webhook', 6, 'M1'), events('http_503', 'api', 3, 'M2'), events('http_502', 'webhook', 1, 'M3')],
  tickets: [tickets('webhook_not_received', 2, 'M1'), tickets('how_to', 2, 'M4')],
});
const view = () => new FeatureView(incident);
const holds = (c: Condition) => {
  const errors: string[] = [];
  assert.ok(validateCondition(c, 'when', errors), errors.join('; '));
  return compileCondition(c).evaluate(view());
};

describe('condition language', () => {
  it('compares numbers and derived fields', () => {
    assert.equal(holds({ field: 'eventCount', gte: 10 }), true);
    assert.equal(holds({ field: 'eventCount', gt: 10 }), false);
    assert.equal(holds({ field: 'merchantCount', gte: 2, lte: 4 }), true);
    assert.equal(holds({ field: 'eventsPerMerchant', eq: 2.5 }), true);
    assert.equal(holds({ field: 'observationConfidence', lt: 0.95 }), true);
  });

  it('count/share/tickets/merchantsWith/serviceShare read weighted counts by code pattern and service', () => {
    const v = view();
    const get = (field: string) => {
      const c = compileCondition({ field, gte: -1 });
      const trace: string[] = [];
      c.evaluate(v, trace);
      return trace[0];
    };
    assert.equal(get('count:http_5*'), 'count:http_5* = 4 (≥ -1)');
    assert.equal(get('count:http_5*@webhook'), 'count:http_5*@webhook = 1 (≥ -1)');
    assert.equal(get('share:http_401@webhook|http_502'), 'share:http_401@webhook|http_502 = 0.70 (≥ -1)');
    assert.equal(get('tickets:webhook*'), 'tickets:webhook* = 2 (≥ -1)');
    assert.equal(get('ticketShare:how_to'), 'ticketShare:how_to = 0.50 (≥ -1)');
    assert.equal(get('merchantsWith:http_5*'), 'merchantsWith:http_5* = 2 (≥ -1)');
    assert.equal(get('serviceShare:webhook'), 'serviceShare:webhook = 0.70 (≥ -1)');
  });

  it('list operators: contains, containsAny, containsAll, matches, eq, in (case-insensitive)', () => {
    assert.equal(holds({ field: 'errorCodes', contains: 'HTTP_401' }), true);
    assert.equal(holds({ field: 'errorCodes', containsAny: ['nope', 'http_503'] }), true);
    assert.equal(holds({ field: 'errorCodes', containsAll: ['http_401', 'nope'] }), false);
    assert.equal(holds({ field: 'errorCodes', matches: 'http_5*' }), true);
    assert.equal(holds({ field: 'signatures', matches: 'ticket:how_*' }), true);
    assert.equal(holds({ field: 'scope', in: ['merchant', 'multi_merchant'] }), true);
    assert.equal(holds({ field: 'scope', eq: 'platform' }), false);
    assert.equal(holds({ field: 'codes', contains: 'how_to' }), true);
  });

  it('all / any / not combine, and the trace lists every leaf that held', () => {
    const c = compileCondition({
      all: [
        { any: [{ field: 'errorCodes', contains: 'http_401' }, { field: 'eventCount', gte: 5 }] },
        { not: { field: 'scope', eq: 'platform' } },
      ],
    });
    const trace: string[] = [];
    assert.equal(c.evaluate(view(), trace), true);
    assert.deepEqual(trace, [
      'errorCodes = [http_401, http_503, http_502] (contains "http_401")',
      'eventCount = 10 (≥ 5)',
      'not scope = "platform"',
    ]);
    assert.equal(compileCondition({ all: [] }).evaluate(view()), true);
    assert.equal(compileCondition({ any: [] }).evaluate(view()), false);
  });

  it('a platform-wide incident reads scope platform', () => {
    const wide = observedIncident({ events: [events('http_503', 'api', 40, ...merchantsRange(1, 11))] });
    assert.equal(compileCondition({ field: 'scope', eq: 'platform' }).evaluate(new FeatureView(wide)), true);
  });

  it('rejects malformed conditions with their paths', () => {
    const errors: string[] = [];
    validateCondition({ all: { field: 'x' } }, 'when', errors);
    validateCondition(42, 'when', errors);
    validateCondition({ not: { field: 'eventCount' } }, 'when', errors);
    validateCondition({ all: [], any: [] }, 'when', errors);
    validateCondition({ field: 'errorCodes', containsAny: [] }, 'when', errors);
    assert.deepEqual(errors, [
      'when.all — expected a list of conditions, got an object',
      'when — expected a condition object ({"all"|"any"|"not"|"field": ...}), got number 42',
      'when.not — field "eventCount" has no operator (use one of gte, lte, eq, in, contains, containsAny, matches, ...)',
      'when — "all" must be the only key, found all, any',
      'when.containsAny — expected a non-empty list of strings or numbers, got a list',
    ]);
  });
});

describe('code patterns', () => {
  it('globs, alternatives and code@service', () => {
    const p = compilePattern('http_5*@webhook|rate_limit*|http_40?');
    assert.equal(p.matchesCode('http_503', 'webhook'), true);
    assert.equal(p.matchesCode('http_503', 'api'), false);
    assert.equal(p.matchesCode('rate_limited', 'api'), true);
    assert.equal(p.matchesCode('http_404', 'frontend'), true);
    assert.equal(p.matchesCode('http_4044', 'frontend'), false);
    // Without service information a service-restricted alternative matches on the code.
    assert.equal(p.matchesCode('http_503'), true);
    assert.equal(p.matchesText('http_503@webhook'), true);
    assert.equal(compilePattern('a.b').matchesCode('axb'), false);
  });
});
