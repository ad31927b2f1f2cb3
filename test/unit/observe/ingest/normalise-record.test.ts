import * as assert from 'node:assert/strict';
import type { SignalKind, SignalRecord } from '../../../../src/core/observe/signal';
import { normaliseRecord, type FieldMapping } from '../../../../src/core/observe/ingest/normalise-record';
import { parseTimestamp } from '../../../../src/core/observe/ingest/parse-timestamp';

const at = { file: 'events.json', line: 3, column: 5 };

function ok(raw: unknown, kind: SignalKind = 'event', mapping?: FieldMapping): SignalRecord {
  const result = normaliseRecord(raw, kind, at, mapping);
  if (!result.ok) assert.fail(`expected a valid record, got: ${result.message}`);
  return result.record;
}

function bad(raw: unknown, kind: SignalKind = 'event', mapping?: FieldMapping): string {
  const result = normaliseRecord(raw, kind, at, mapping);
  if (result.ok) assert.fail(`expected an invalid record, got ${JSON.stringify(result.record)}`);
  return result.message;
}

const baseEvent = { event_id: 'E1', merchant_id: 'M1', error_code: 'checkout_timeout', service: 'api', timestamp: '2026-01-31T18:51:36Z' };
const baseTicket = { ticket_id: 'T1', merchant_id: 'M1', issue: 'webhook_failed', timestamp: '2026-01-31T18:51:36Z' };
const T = Date.UTC(2026, 0, 31, 18, 51, 36);

describe('normaliseRecord', () => {
  describe('prototype records', () => {
    it('accepts the prototype event exactly as the prototype wrote it (zone-less timestamp = UTC, microseconds)', () => {
      const r = ok({
        event_id: 'E3',
        merchant_id: 'M6',
        error_code: 'checkout_timeout',
        service: 'api',
        timestamp: '2026-01-31T18:51:36.507867',
      });
      assert.deepEqual(r, {
        kind: 'event',
        id: 'E3',
        merchantId: 'M6',
        code: 'checkout_timeout',
        service: 'api',
        timestamp: Date.UTC(2026, 0, 31, 18, 51, 36, 507),
        weight: 1,
        location: at,
      });
    });

    it('accepts the prototype ticket exactly, with its message as text and the support service', () => {
      const r = ok(
        {
          ticket_id: 'T1',
          merchant_id: 'M6',
          issue: 'api_200_inconsistent',
          message: 'Worked before migration, now intermittently broken',
          timestamp: '2026-01-31T20:11:36.507867',
        },
        'ticket',
      );
      assert.deepEqual(r, {
        kind: 'ticket',
        id: 'T1',
        merchantId: 'M6',
        code: 'api_200_inconsistent',
        service: 'support',
        timestamp: Date.UTC(2026, 0, 31, 20, 11, 36, 507),
        weight: 1,
        text: 'Worked before migration, now intermittently broken',
        location: at,
      });
    });
  });

  describe('aliases', () => {
    for (const key of ['id', 'error_id']) {
      it(`takes the event id from \`${key}\``, () => {
        const { event_id: _drop, ...rest } = baseEvent;
        assert.equal(ok({ ...rest, [key]: ' X9 ' }).id, 'X9');
      });
    }

    it('takes the ticket id from `id`', () => {
      const { ticket_id: _drop, ...rest } = baseTicket;
      assert.equal(ok({ ...rest, id: 'T77' }, 'ticket').id, 'T77');
    });

    for (const key of ['merchant', 'merchantId', 'shop_id']) {
      it(`takes the merchant from \`${key}\``, () => {
        const { merchant_id: _drop, ...rest } = baseEvent;
        assert.equal(ok({ ...rest, [key]: '  shop-4 ' }).merchantId, 'shop-4');
      });
    }

    it('accepts numeric ids and merchants as text', () => {
      const r = ok({ ...baseEvent, event_id: 17, merchant_id: 4 });
      assert.equal(r.id, '17');
      assert.equal(r.merchantId, '4');
    });

    for (const key of ['code', 'error']) {
      it(`takes the error code from \`${key}\``, () => {
        const { error_code: _drop, ...rest } = baseEvent;
        assert.equal(ok({ ...rest, [key]: 'Payment Declined' }).code, 'payment_declined');
      });
    }

    for (const key of ['status', 'http_status']) {
      it(`turns a numeric \`${key}\` into http_<n> and sets httpStatus`, () => {
        const { error_code: _drop, ...rest } = baseEvent;
        const r = ok({ ...rest, [key]: 401 });
        assert.equal(r.code, 'http_401');
        assert.equal(r.httpStatus, 401);
      });
    }

    it('turns a numeric string code into http_<n>', () => {
      const r = ok({ ...baseEvent, error_code: ' 503 ' });
      assert.equal(r.code, 'http_503');
      assert.equal(r.httpStatus, 503);
    });

    it('keeps the named code and the HTTP status apart when both are present', () => {
      const r = ok({ ...baseEvent, error_code: 'webhook_signature_invalid', http_status: '401' });
      assert.equal(r.code, 'webhook_signature_invalid');
      assert.equal(r.httpStatus, 401);
    });

    it('does not pass off a vendor number as an HTTP status', () => {
      const r = ok({ ...baseEvent, error_code: 10023 });
      assert.equal(r.code, 'error_10023');
      assert.equal(r.httpStatus, undefined);
    });

    it('canonicalises codes: trimmed, lowercase, spaces and dashes to underscores', () => {
      assert.equal(ok({ ...baseEvent, error_code: '  Checkout-Timeout  ' }).code, 'checkout_timeout');
      assert.equal(ok({ ...baseTicket, issue: 'API 200  Inconsistent' }, 'ticket').code, 'api_200_inconsistent');
    });

    for (const [raw, canonical] of [
      ['webhooks', 'webhook'],
      ['Webhook', 'webhook'],
      ['storefront', 'frontend'],
      ['web', 'frontend'],
      ['Payments', 'payment'],
      ['Checkout Service', 'checkout_service'],
    ]) {
      it(`canonicalises service "${raw}" to "${canonical}"`, () => {
        assert.equal(ok({ ...baseEvent, service: raw }).service, canonical);
      });
    }

    it('defaults the service of an event without one to "unknown"', () => {
      const { service: _drop, ...rest } = baseEvent;
      assert.equal(ok(rest).service, 'unknown');
    });

    for (const key of ['created_at', 'time', 'ts']) {
      it(`takes the timestamp from \`${key}\``, () => {
        const { timestamp: _drop, ...rest } = baseEvent;
        assert.equal(ok({ ...rest, [key]: '2026-01-31T18:51:36Z' }).timestamp, T);
      });
    }

    it('joins subject and message into the ticket text', () => {
      const r = ok({ ...baseTicket, subject: 'Orders missing', message: 'Since 10:00 no orders arrive' }, 'ticket');
      assert.equal(r.text, 'Orders missing\nSince 10:00 no orders arrive');
    });

    for (const key of ['description', 'body']) {
      it(`takes the ticket text from \`${key}\``, () => {
        assert.equal(ok({ ...baseTicket, [key]: ' Checkout spins forever ' }, 'ticket').text, 'Checkout spins forever');
      });
    }

    it('reads severity/priority, migration_stage, endpoint and count/occurrence_count', () => {
      const r = ok({ ...baseEvent, priority: 'P1', migration_stage: 'Cut-over', endpoint: '/api/cart', occurrence_count: 12 });
      assert.equal(r.severity, 'p1');
      assert.equal(r.migrationStage, 'cut_over');
      assert.equal(r.endpoint, '/api/cart');
      assert.equal(r.weight, 12);
      assert.equal(ok({ ...baseEvent, severity: 'High', count: '3' }).severity, 'high');
      assert.equal(ok({ ...baseEvent, count: '3' }).weight, 3);
    });

    it('falls back to the next alias when the first one is null', () => {
      const r = ok({ ...baseEvent, error_code: null, status: 500 });
      assert.equal(r.code, 'http_500');
      assert.equal(r.httpStatus, 500);
    });

    it('prefers the prototype name when a record carries several aliases', () => {
      assert.equal(ok({ ...baseEvent, id: 'other' }).id, 'E1');
    });
  });

  describe('timestamps', () => {
    it('reads epoch seconds and epoch milliseconds, as numbers or numeric strings', () => {
      assert.equal(ok({ ...baseEvent, timestamp: T / 1000 }).timestamp, T);
      assert.equal(ok({ ...baseEvent, timestamp: T }).timestamp, T);
      assert.equal(ok({ ...baseEvent, timestamp: String(T / 1000) }).timestamp, T);
      assert.equal(ok({ ...baseEvent, timestamp: (T + 250) / 1000 }).timestamp, T + 250);
    });

    it('treats zone-less ISO times as UTC and honours explicit offsets', () => {
      assert.deepEqual(parseTimestamp('2026-01-31T18:51:36'), { ok: true, ms: T });
      assert.deepEqual(parseTimestamp('2026-01-31 18:51:36'), { ok: true, ms: T });
      assert.deepEqual(parseTimestamp('2026-01-31T20:51:36+02:00'), { ok: true, ms: T });
      assert.deepEqual(parseTimestamp('2026-01-31T13:51:36-0500'), { ok: true, ms: T });
      assert.deepEqual(parseTimestamp('2026-01-31T18:51:36.5Z'), { ok: true, ms: T + 500 });
      assert.deepEqual(parseTimestamp('2026-01-31'), { ok: true, ms: Date.UTC(2026, 0, 31) });
      assert.deepEqual(parseTimestamp('Sat, 31 Jan 2026 18:51:36 GMT'), { ok: true, ms: T });
    });

    it('rejects impossible dates and words', () => {
      for (const text of ['yesterday', '2026-02-30T10:00:00', '2026-13-01', '2026-01-31T25:00:00', '', 'Jan 31 2026']) {
        assert.deepEqual(parseTimestamp(text), { ok: false }, text);
      }
    });
  });

  describe('bad records', () => {
    it('says which field is not a date, quoting the value and using the field name of the file', () => {
      assert.equal(bad({ ...baseTicket, timestamp: 'yesterday' }, 'ticket'), '`timestamp` is not a date: "yesterday"');
      const { timestamp: _drop, ...rest } = baseEvent;
      assert.equal(bad({ ...rest, created_at: 'soon' }), '`created_at` is not a date: "soon"');
    });

    it('names the accepted aliases of a missing field', () => {
      const { merchant_id: _drop, ...rest } = baseEvent;
      assert.equal(bad(rest), 'missing `merchant_id` (also accepted: merchant, merchantId, shop_id)');
      const { issue: _i, ...noIssue } = baseTicket;
      assert.equal(bad(noIssue, 'ticket'), 'missing `issue` (also accepted: issue_type, category)');
    });

    it('reports every problem of a record in one sentence list', () => {
      const message = bad({ event_id: '  ', merchant_id: null, error_code: true, timestamp: '2026-01-31T18:51:36Z', count: 0 });
      assert.equal(
        message,
        '`event_id` is empty; `merchant_id` is null; `error_code` is not a code (text or number): true; `count` is not a positive whole number: 0',
      );
    });

    it('rejects records that are not objects', () => {
      assert.equal(bad([1, 2]), 'record is not an object (found an array)');
      assert.equal(bad('E1'), 'record is not an object (found a string)');
      assert.equal(bad(null), 'record is not an object (found null)');
      assert.equal(bad(42), 'record is not an object (found a number)');
    });

    it('rejects an HTTP status outside 100–599', () => {
      assert.equal(bad({ ...baseEvent, http_status: 999 }), '`http_status` is not an HTTP status (100–599): 999');
    });

    it('shortens a huge bad value in the message', () => {
      const message = bad({ ...baseEvent, timestamp: 'x'.repeat(5000) });
      assert.ok(message.length < 100, message);
    });
  });

  describe('extra fields', () => {
    it('keeps unknown fields verbatim in `extra`', () => {
      const r = ok({ ...baseEvent, region: 'eu-west', trace: { id: 'abc' } });
      assert.deepEqual({ ...r.extra }, { region: 'eu-west', trace: { id: 'abc' } });
    });

    it('omits `extra` when there is nothing extra', () => {
      assert.equal('extra' in ok(baseEvent), false);
    });

    it('keeps `__proto__` and `constructor` keys as plain data without polluting Object.prototype', () => {
      const raw: unknown = JSON.parse(
        '{"event_id":"E1","merchant_id":"M1","error_code":"x","timestamp":1769885496,' +
          '"__proto__":{"polluted":"yes","event_id":"EVIL"},"constructor":{"prototype":{"polluted":"yes"}}}',
      );
      const r = ok(raw);
      assert.equal(r.id, 'E1');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf(r.extra), null);
      assert.deepEqual(Object.keys(r.extra!), ['__proto__', 'constructor']);
      assert.deepEqual(Object.getOwnPropertyDescriptor(r.extra, '__proto__')?.value, { polluted: 'yes', event_id: 'EVIL' });
      // Copying the record the usual ways must not pollute either.
      const copy = { ...r.extra };
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    });

    it('never reads a field from the prototype chain (a record without `constructor` has no `constructor` field)', () => {
      const message = bad({ merchant_id: 'M1', error_code: 'x', timestamp: 1 }, 'event', { fields: { id: 'constructor' } });
      assert.equal(message, 'missing `constructor` (mapped to id in the source mapping)');
    });
  });

  describe('field mappings', () => {
    const mapping: FieldMapping = {
      fields: { id: 'req_id', merchantId: 'store', code: 'err', timestamp: 'at' },
      defaults: { service: 'Webhooks' },
      declaredIn: '.cosmos/sources.json',
    };

    it('reads mapped fields and applies defaults', () => {
      const r = ok({ req_id: 'R1', store: 'S9', err: 'Signature Invalid', at: 1769885496, region: 'eu' }, 'event', mapping);
      assert.equal(r.id, 'R1');
      assert.equal(r.merchantId, 'S9');
      assert.equal(r.code, 'signature_invalid');
      assert.equal(r.service, 'webhook');
      assert.equal(r.timestamp, T);
      assert.deepEqual({ ...r.extra }, { region: 'eu' });
    });

    it('says which mapped field is missing and where the mapping comes from', () => {
      assert.equal(
        bad({ req_id: 'R1', err: 'x', at: 1 }, 'event', mapping),
        'missing `store` (mapped to merchantId in .cosmos/sources.json)',
      );
    });
  });
});
