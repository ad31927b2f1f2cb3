import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseViewMessage, RejectBodySchema } from '../../../src/shared/dashboard-protocol';

describe('dashboard protocol: host-bound messages are validated', () => {
  it('accepts each well-formed message', () => {
    for (const m of [
      { type: 'ready', protocol: 1 },
      { type: 'select', requestId: 3, incidentId: 'inc_00001' },
      { type: 'approve', requestId: 4, approvalId: 'apr_1' },
      { type: 'reject', requestId: 5, approvalId: 'apr_1', reason: 'wrong merchant' },
      { type: 'openEvidence', file: 'events.ndjson', line: 12 },
      { type: 'openEvidence', file: 'events.ndjson', line: 12, column: 3 },
    ]) {
      const r = parseViewMessage(m);
      assert.ok(r.ok, `${JSON.stringify(m)} should parse`);
      assert.deepEqual(r.value, m);
    }
  });

  const bad: [string, unknown][] = [
    ['not an object', 'approve'],
    ['null', null],
    ['an array', [{ type: 'ready', protocol: 1 }]],
    ['unknown type', { type: 'execute', action: 'notify_webhook' }],
    ['wrong protocol version', { type: 'ready', protocol: 2 }],
    ['extra key smuggled into approve', { type: 'approve', requestId: 1, approvalId: 'a', params: { url: 'https://evil' } }],
    ['missing requestId', { type: 'approve', approvalId: 'a' }],
    ['negative requestId', { type: 'select', requestId: -1, incidentId: 'x' }],
    ['fractional requestId', { type: 'select', requestId: 1.5, incidentId: 'x' }],
    ['empty approval id', { type: 'approve', requestId: 1, approvalId: '' }],
    ['approval id too long', { type: 'approve', requestId: 1, approvalId: 'a'.repeat(201) }],
    ['reason too long', { type: 'reject', requestId: 1, approvalId: 'a', reason: 'x'.repeat(501) }],
    ['line zero', { type: 'openEvidence', file: 'a.json', line: 0 }],
    ['line as string', { type: 'openEvidence', file: 'a.json', line: '12' }],
    ['__proto__ key', JSON.parse('{"type":"ready","protocol":1,"__proto__":{"polluted":true}}')],
  ];
  for (const [name, value] of bad) {
    it(`rejects ${name}`, () => {
      const r = parseViewMessage(value);
      assert.equal(r.ok, false);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  it('names the bad field without echoing the untrusted value', () => {
    const r = parseViewMessage({ type: 'openEvidence', file: '<script>x</script>', line: -4 });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /^line: /);
    assert.doesNotMatch(r.ok ? '' : r.error, /script/);
  });

  it('never throws and never accepts junk (random JSON values)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseViewMessage(v);
        if (r.ok) assert.ok(['ready', 'select', 'approve', 'reject', 'openEvidence'].includes(r.value.type));
      }),
      { numRuns: 2000 },
    );
  });

  it('the reject body of the HTTP API is strict too', () => {
    assert.ok(RejectBodySchema.safeParse({ reason: 'dup' }).success);
    assert.equal(RejectBodySchema.safeParse({ reason: 'dup', by: 'admin' }).success, false);
    assert.equal(RejectBodySchema.safeParse({}).success, false);
  });
});
