import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { fastRecordValues } from '../../../../src/core/observe/ingest/fast-record-values';
import { normaliseRecord } from '../../../../src/core/observe/ingest/normalise-record';
import { RecordValuesSchema } from '../../../../src/core/observe/ingest/record-schema';

/** Drops keys whose value is undefined, so outputs compare by content. */
const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const text = fc.oneof(
  fc.constantFrom('M1', ' M2 ', '', '  ', 'Checkout-Timeout', 'http_401', '401', '10023', 'Webhooks', 'storefront', 'ÄÖ ü', '2026-01-31T18:51:36.507867'),
  fc.string({ maxLength: 12 }),
);
const anyValue = fc.oneof(text, fc.integer({ min: -5, max: 700 }), fc.double(), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }));
const stamp = fc.oneof(
  fc.constantFrom('2026-01-31T18:51:36.507867', '2026-01-31 18:51:36Z', '2026-02-30T00:00:00', 'yesterday', '1769885496', ' 2026-01-31T18:51:36+02:00 '),
  fc.integer({ min: 0, max: 2e12 }),
  anyValue,
);

describe('fast path of record values', function () {
  this.timeout(60_000);
  it('equals RecordValuesSchema whenever it accepts, and declines everything the schema rejects', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            id: anyValue,
            merchantId: anyValue,
            code: anyValue,
            service: anyValue,
            timestamp: stamp,
            text: anyValue,
            subject: anyValue,
            severity: anyValue,
            migrationStage: anyValue,
            endpoint: anyValue,
            weight: anyValue,
            httpStatus: anyValue,
          },
          { requiredKeys: [] },
        ),
        (values) => {
          const fast = fastRecordValues(values);
          const slow = RecordValuesSchema.safeParse(values);
          if (fast === undefined) return; // the schema decides (and explains)
          assert.ok(slow.success, `fast path accepted what the schema rejects: ${JSON.stringify(values)}`);
          assert.deepEqual(defined(fast), defined(slow.data));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('takes the prototype records', () => {
    const v = fastRecordValues({ id: 'E3', merchantId: 'M6', code: 'checkout_timeout', service: 'api', timestamp: '2026-01-31T18:51:36.507867' });
    assert.equal(v?.timestamp, Date.UTC(2026, 0, 31, 18, 51, 36, 507));
  });

  it('keeps an unknown field even when one raw key fills two fields', () => {
    const r = normaliseRecord(
      { event_id: 'E1', merchant_id: 'M1', http_status: 502, timestamp: '2026-01-31T10:00:00', region: 'eu' },
      'event',
      { file: 'events.ndjson', line: 1, column: 1 },
    );
    assert.ok(r.ok);
    assert.equal(r.record.code, 'http_502');
    assert.equal(r.record.httpStatus, 502);
    assert.equal(r.record.extra?.region, 'eu');
  });
});
