import assert from 'node:assert/strict';
import { makeConfig, type CosmosConfigInput } from '../../../../src/core/config/config';
import { Observer, type ObservationContext, type ObservedIncident } from '../../../../src/core/observe/detect/observer';
import type { SourceSummary } from '../../../../src/core/report/schema';
import type { SignalRecord } from '../../../../src/core/observe/signal';
import { at, byTime, HOUR, merchants, MINUTE, SignalFactory, T0 } from '../../../builders/signals';

const EVENTS: SourceSummary = { file: 'events.ndjson', kind: 'events', format: 'ndjson', records: 0, invalid: 0, bytes: 0 };
const TICKETS: SourceSummary = { file: 'tickets.ndjson', kind: 'tickets', format: 'ndjson', records: 0, invalid: 0, bytes: 0 };

function ctx(records: number, opts: { tickets?: boolean; invalid?: number } = {}): ObservationContext {
  const invalid = opts.invalid ?? 0;
  return { sources: opts.tickets === false ? [EVENTS] : [EVENTS, TICKETS], invalid, totalRecords: records + invalid };
}

function observe(records: readonly SignalRecord[], opts: { config?: CosmosConfigInput; tickets?: boolean; invalid?: number } = {}): ObservedIncident[] {
  const o = new Observer(makeConfig(opts.config));
  const context = ctx(records.length, opts);
  o.noteSources(context.sources); // as the Agent does after discovery
  o.add(records);
  return o.evaluate(context);
}

function only(incidents: readonly ObservedIncident[]): ObservedIncident {
  assert.equal(incidents.length, 1, `expected one incident, got: ${incidents.map((i) => i.title).join(' | ')}`);
  return incidents[0] as ObservedIncident;
}

function anomaly(incident: ObservedIncident, detector: string) {
  const a = incident.anomalies.find((x) => x.detector === detector);
  assert.ok(a, `${incident.title}: no ${detector} anomaly among ${incident.anomalies.map((x) => x.detector).join(', ')}`);
  return a;
}

/** A quiet migration morning: scattered errors well below every threshold. */
function noise(f: SignalFactory, from = T0, durationMs = 6 * HOUR): SignalRecord[] {
  return f.noise({ count: 60, from, durationMs });
}

describe('Observer', () => {
  describe('noise', () => {
    it('opens no incident for scattered errors below every threshold', () => {
      const f = new SignalFactory();
      assert.deepEqual(observe(noise(f)), []);
    });

    it('opens no incident for a single ticket or a single how-to question', () => {
      const f = new SignalFactory();
      const records = byTime([
        ...noise(f),
        f.ticket({ merchant: 'M2', issue: 'general', time: at(30) }),
        f.ticket({ merchant: 'M9', issue: 'how_to_setup_webhooks', text: 'How do I set up webhooks?', time: at(200) }),
      ]);
      assert.deepEqual(observe(records), []);
    });
  });

  describe('threshold', () => {
    it('fires at 5 repeats of one error type for a merchant in a window, with the numbers in the explanation', () => {
      const f = new SignalFactory();
      const incident = only(
        observe(byTime([...noise(f), ...f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 7, from: at(122) })])),
      );
      const a = anomaly(incident, 'threshold');
      assert.equal(a.observed, 7);
      assert.equal(a.threshold, 5);
      assert.deepEqual(a.merchants, ['M3']);
      assert.equal(a.windowStart, at(120));
      assert.equal(a.windowEnd, at(130));
      assert.match(a.explanation, /7 × http_401@webhook at M3/);
      assert.match(a.explanation, /≥ 5 repeats/);
      assert.equal(incident.title, 'http_401 on webhook at M3');
      assert.equal(incident.scope, 'merchant');
      assert.deepEqual(incident.merchants, ['M3']);
      assert.equal(incident.features.eventCount, 7);
      assert.deepEqual(incident.features.httpStatuses, [401]);
    });

    it('does not fire at 4 repeats', () => {
      const f = new SignalFactory();
      assert.deepEqual(observe(f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 4 })), []);
    });

    it('counts a record with a weight as that many occurrences', () => {
      const f = new SignalFactory();
      const incident = only(observe([f.event({ merchant: 'M4', code: 'http_500', weight: 6 })]));
      assert.equal(anomaly(incident, 'threshold').observed, 6);
      assert.equal(incident.features.eventCount, 6);
    });

    it('treats any failed checkout as anomalous', () => {
      const f = new SignalFactory();
      const incident = only(observe([f.event({ merchant: 'M6', code: 'checkout_timeout', service: 'api', time: at(5) })]));
      const a = anomaly(incident, 'threshold');
      assert.equal(a.threshold, 1);
      assert.match(a.explanation, /any failed checkout is anomalous/);
      assert.equal(incident.title, 'checkout_timeout on api at M6');
    });

    it('ignores successful status codes however often they repeat', () => {
      const f = new SignalFactory();
      assert.deepEqual(observe(f.eventSeries({ merchant: 'M1', code: 'http_200', count: 50 })), []);
    });
  });

  describe('spike', () => {
    it('fires against an EWMA-free window baseline once enough history exists, with baseline and z in the explanation', () => {
      const f = new SignalFactory();
      const history = Array.from({ length: 12 }, (_, i) => f.event({ merchant: i % 2 ? 'M1' : 'M2', code: 'http_503', time: at(i * 10 + 1) }));
      // 4 + 4: below the per-merchant threshold and at two merchants only, so only the spike can see it.
      const burst = [
        ...f.eventSeries({ merchant: 'M1', code: 'http_503', count: 4, from: at(121) }),
        ...f.eventSeries({ merchant: 'M2', code: 'http_503', count: 4, from: at(122) }),
      ];
      const incidents = observe(byTime([...history, ...burst]));
      assert.equal(incidents.length, 2, 'one merchant-scoped incident per merchant');
      const a = anomaly(incidents[0] as ObservedIncident, 'spike');
      assert.equal(a.observed, 8);
      assert.equal(a.baseline, 1);
      assert.equal(a.threshold, 3);
      assert.match(a.explanation, /8 occurrences of http_503@api .* baseline of 1 ± 0 per window over the previous 12 windows: z = 7 ≥ 3/);
      assert.ok(!incidents.some((i) => i.anomalies.some((x) => x.detector === 'threshold')), 'no threshold anomaly');
    });

    it('opens no incident for a jump made of one stray error at each of several merchants', () => {
      const f = new SignalFactory();
      // A quiet baseline of one http_404 per window, then six in one window at six merchants (one each): the total
      // is a z ≥ 3 jump, but no merchant has a spike of its own and none has two, so it is background noise.
      const history = Array.from({ length: 12 }, (_, i) => f.event({ merchant: `M${(i % 6) + 1}`, code: 'http_404', time: at(i * 10 + 1) }));
      const diffuse = Array.from({ length: 6 }, (_, i) => f.event({ merchant: `M${i + 1}`, code: 'http_404', time: at(121 + i) }));
      assert.deepEqual(observe(byTime([...history, ...diffuse])), []);
    });

    it('finds the same spikes whether days of history arrive in one batch or a slice at a time', () => {
      const f = new SignalFactory();
      // Five days of one http_503 per window, with a spike on the first day: far older than the two days of
      // windows kept at the end, so a baseline cut at the retention horizon would hide it from a one-batch read.
      const windows = 5 * 24 * 6;
      const background = Array.from({ length: windows }, (_, i) => f.event({ merchant: i % 2 ? 'M3' : 'M4', code: 'http_503', time: at(i * 10 + 1) }));
      const burst = [
        ...f.eventSeries({ merchant: 'M1', code: 'http_503', count: 4, from: at(301) }),
        ...f.eventSeries({ merchant: 'M2', code: 'http_503', count: 4, from: at(302) }),
      ];
      const records = byTime([...background, ...burst]);
      const whole = observe(records);
      assert.deepEqual(whole.map((i) => i.merchants), [['M1'], ['M2']], 'one incident per merchant');
      for (const incident of whole) assert.equal(anomaly(incident, 'spike').windowStart, at(300));

      // Which merchant's incident is numbered first, and which records are sampled as evidence, follow arrival
      // order; what was found, where and how much does not.
      const findings = (incidents: readonly ObservedIncident[]): string[] =>
        incidents
          .map((i) => {
            const anomalies = i.anomalies.map((a) => `${a.detector} ${a.signature} @${a.windowStart} ${a.observed} [${a.merchants.join(',')}]`);
            return `${i.scope} ${i.merchants.join(',')} events=${i.features.eventCount}: ${anomalies.sort().join('; ')}`;
          })
          .sort();
      for (const slice of [1, 7, 100]) {
        const o = new Observer(makeConfig());
        let sliced: ObservedIncident[] = [];
        for (let i = 0; i < records.length; i += slice) {
          o.add(records.slice(i, i + slice));
          sliced = o.evaluate(ctx(Math.min(i + slice, records.length)));
        }
        assert.deepEqual(findings(sliced), findings(whole), `${slice} record(s) per batch`);
      }
    });

    it('stays silent without a baseline (fewer than 3 windows of history)', () => {
      const f = new SignalFactory();
      const records = [
        ...f.eventSeries({ merchant: 'M1', code: 'http_503', count: 4, from: at(1) }),
        ...f.eventSeries({ merchant: 'M2', code: 'http_503', count: 4, from: at(2) }),
      ];
      assert.deepEqual(observe(byTime(records)), []);
    });
  });

  describe('new_code', () => {
    it('marks an error code first seen after a full window of data', () => {
      const f = new SignalFactory();
      const incident = only(
        observe(byTime([...noise(f), ...f.eventSeries({ merchant: 'M1', code: 'graphql_schema_error', count: 6, from: at(95) })])),
      );
      const a = anomaly(incident, 'new_code');
      assert.equal(a.baseline, null);
      assert.equal(a.observed, 6);
      assert.match(a.explanation, /graphql_schema_error was never seen before 2026-01-31 09:35 UTC in 1\.6 h of earlier data/);
      assert.deepEqual(incident.features.newCodes, ['graphql_schema_error']);
    });

    it('does not call codes new during the warm-up window, nor on its own below the thresholds', () => {
      const f = new SignalFactory();
      const warmUp = observe(f.eventSeries({ merchant: 'M1', code: 'graphql_schema_error', count: 6 }));
      assert.equal(only(warmUp).anomalies.some((a) => a.detector === 'new_code'), false);
      const single = observe(byTime([...noise(f), f.event({ merchant: 'M1', code: 'one_off_error', time: at(200) })]));
      assert.deepEqual(single, []);
    });
  });

  describe('spread and scope', () => {
    it('groups one failure at a handful of merchants into one multi-merchant incident', () => {
      const f = new SignalFactory();
      const incident = only(observe(f.acrossMerchants(merchants(4), { code: 'http_502', perMerchant: 2, from: at(3) })));
      assert.equal(incident.scope, 'multi_merchant');
      assert.deepEqual(incident.merchants, ['M1', 'M2', 'M3', 'M4']);
      const a = anomaly(incident, 'spread');
      assert.equal(a.observed, 4);
      assert.equal(a.threshold, 3);
      assert.match(a.explanation, /http_502@api at 4 merchants .*multi-merchant \(≥ 3, platform-wide from 10\)/);
      assert.equal(incident.title, 'http_502 on api across 4 merchants');
    });

    it('calls the same failure at 10 or more merchants platform-wide', () => {
      const f = new SignalFactory();
      const incident = only(observe(f.acrossMerchants(merchants(12), { code: 'checkout_timeout', service: 'api', perMerchant: 2, from: at(3) })));
      assert.equal(incident.scope, 'platform');
      assert.equal(incident.merchants.length, 12);
      assert.equal(incident.features.eventCount, 24);
      assert.equal(anomaly(incident, 'spread').threshold, 10);
      assert.equal(incident.title, 'checkout_timeout on api across 12 merchants');
    });

    it('merges concurrent platform-wide failures of different families into one platform regression', () => {
      const f = new SignalFactory();
      const records = byTime([
        ...f.acrossMerchants(merchants(12), { code: 'checkout_timeout', service: 'api', perMerchant: 2, from: at(3) }),
        ...f.acrossMerchants(merchants(12), { code: 'http_500', service: 'api', perMerchant: 3, from: at(4) }),
        ...f.acrossMerchants(merchants(11), { code: 'http_401', service: 'webhook', perMerchant: 2, from: at(5) }),
      ]);
      const incident = only(observe(records));
      assert.equal(incident.scope, 'platform');
      assert.match(incident.title, /^Platform regression: 3 error types across 12 merchants$/);
      assert.deepEqual(incident.features.errorCodes, ['checkout_timeout', 'http_401', 'http_500']);
      assert.match(anomaly(incident, 'spread').explanation, /platform regression/);
    });

    it('keeps merchant-specific failures of different merchants apart', () => {
      const f = new SignalFactory();
      const incidents = observe(
        byTime([
          ...f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 6, from: at(1) }),
          ...f.eventSeries({ merchant: 'M5', code: 'http_429', service: 'api', count: 9, from: at(2) }),
        ]),
      );
      assert.deepEqual(
        incidents.map((i) => [i.id, i.title, i.scope]),
        [
          ['INC-1', 'http_401 on webhook at M3', 'merchant'],
          ['INC-2', 'http_429 on api at M5', 'merchant'],
        ],
      );
      assert.notEqual(incidents[0]?.fingerprint, incidents[1]?.fingerprint);
    });

    it('puts several error codes of one family at one merchant in one incident', () => {
      const f = new SignalFactory();
      const incident = only(
        observe(
          byTime([
            ...f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 6, from: at(1) }),
            ...f.eventSeries({ merchant: 'M3', code: 'http_403', service: 'webhook', count: 5, from: at(2) }),
          ]),
        ),
      );
      assert.deepEqual(incident.features.errorCodes, ['http_401', 'http_403']);
      assert.equal(incident.features.distinctErrorTypes, 2);
      assert.deepEqual(incident.features.countsByCode, { http_401: 6, http_403: 5 });
      assert.match(incident.title, /^webhook errors at M3: http_401 and 1 more error type$/);
    });
  });

  describe('tickets', () => {
    it('joins a related ticket from the incident merchant within a window of the anomaly', () => {
      const f = new SignalFactory();
      const incident = only(
        observe(
          byTime([
            ...f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 7, from: at(120) }),
            f.ticket({ merchant: 'M3', issue: 'webhook_not_received', time: at(135) }),
            f.ticket({ merchant: 'M3', issue: 'webhook_not_received', time: at(400) }),
            f.ticket({ merchant: 'M9', issue: 'webhook_not_received', time: at(125) }),
          ]),
        ),
      );
      assert.equal(incident.features.ticketCount, 1, 'only the M3 ticket near the burst joins');
      assert.deepEqual(incident.features.ticketIssues, ['webhook_not_received']);
      assert.equal(incident.features.ticketsWithErrors, 1);
      assert.equal(incident.features.errorsWithoutTickets, 0);
      assert.ok(incident.evidence.some((e) => e.kind === 'ticket' && e.recordId === 'T1'), 'ticket T1 is evidence');
      assert.ok(!incident.anomalies.some((a) => a.detector === 'silent_failure'), 'not silent: a ticket was raised');
    });

    it('joins tickets that arrive after all the events (a tickets file read after the events file)', () => {
      const f = new SignalFactory();
      const events = f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 7, from: at(120) });
      const later = [...noise(f, at(200), 20 * HOUR)];
      const ticket = f.ticket({ merchant: 'M3', issue: 'general', time: at(126) });
      const o = new Observer(makeConfig());
      o.add(byTime([...events, ...later]));
      o.add([ticket]);
      const incident = only(o.evaluate(ctx(events.length + later.length + 1)));
      assert.equal(incident.features.ticketCount, 1);
    });

    it('takes a weeks-long events file followed by its tickets file in one batch without calling the tickets late', () => {
      const f = new SignalFactory();
      const events = byTime([
        ...f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 7, from: at(120) }),
        ...noise(f, at(300), 20 * 24 * HOUR),
      ]);
      const o = new Observer(makeConfig());
      o.add([...events, f.ticket({ merchant: 'M3', issue: 'webhook_auth_error', time: at(131) })]);
      const incident = only(o.evaluate(ctx(events.length + 1)));
      assert.equal(incident.features.ticketCount, 1);
      assert.equal(o.stats().lateRecords, 0);
      assert.ok(o.stats().windows <= o.stats().retainWindows + 1, `${o.stats().windows} windows kept after the batch`);
    });

    it('flags errors with no ticket from the merchant as a silent failure when tickets are being collected', () => {
      const f = new SignalFactory();
      const incident = only(
        observe(
          byTime([
            ...f.eventSeries({ merchant: 'M4', code: 'checkout_failed', service: 'checkout', count: 3, from: at(60) }),
            f.ticket({ merchant: 'M8', issue: 'general', time: at(10) }),
          ]),
        ),
      );
      const a = anomaly(incident, 'silent_failure');
      assert.equal(a.observed, 3);
      assert.match(a.explanation, /3 errors \(checkout_failed@checkout\) at M4 .* no ticket from that merchant within ±10 min/);
      assert.equal(incident.features.errorsWithoutTickets, 3);
    });

    it('opens a ticket-only incident for a surge of one issue without errors', () => {
      const f = new SignalFactory();
      const incident = only(
        observe(
          byTime([
            ...noise(f),
            f.ticket({ merchant: 'M20', issue: 'api_200_inconsistent', time: at(301) }),
            f.ticket({ merchant: 'M21', issue: 'api_200_inconsistent', time: at(303) }),
            f.ticket({ merchant: 'M22', issue: 'api_200_inconsistent', time: at(305) }),
          ]),
        ),
      );
      const surge = anomaly(incident, 'ticket_surge');
      assert.equal(surge.observed, 3);
      assert.equal(surge.threshold, 3);
      assert.match(surge.explanation, /3 tickets about api_200_inconsistent from 3 merchants \(M20, M21, M22\)/);
      assert.equal(incident.scope, 'multi_merchant');
      assert.equal(incident.features.eventCount, 0);
      assert.equal(incident.features.ticketsWithoutErrors, 3);
      assert.match(incident.title, /^api_200_inconsistent ticket surge: 3 from 3 merchants$/);
    });

    it('opens a documentation-gap shaped incident for how-to tickets without errors', () => {
      const f = new SignalFactory();
      const incident = only(
        observe(
          byTime([
            ...noise(f),
            f.ticket({ merchant: 'M30', issue: 'webhook_setup_question', text: 'How do I configure the webhook secret?', time: at(100) }),
            f.ticket({ merchant: 'M31', issue: 'webhook_setup_question', text: 'Where can I find the docs for webhooks?', time: at(130) }),
          ]),
        ),
      );
      const a = anomaly(incident, 'tickets_without_errors');
      assert.equal(a.observed, 2);
      assert.match(a.explanation, /2 read like how-to questions/);
      assert.equal(incident.features.howToTickets, 2);
      assert.equal(incident.features.ticketsWithoutErrors, 2);
      assert.deepEqual(incident.features.detectors, ['tickets_without_errors']);
    });
  });

  describe('identity over time', () => {
    it('keeps id and fingerprint while evidence arrives, and updates counts and lastSeen', () => {
      const f = new SignalFactory();
      const o = new Observer(makeConfig());
      o.add(f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 6, from: at(1) }));
      const first = only(o.evaluate(ctx(6)));
      o.add(f.eventSeries({ merchant: 'M3', code: 'http_403', service: 'webhook', count: 8, from: at(12) }));
      const second = only(o.evaluate(ctx(14)));
      assert.equal(second.id, first.id);
      assert.equal(second.fingerprint, first.fingerprint);
      assert.equal(second.features.eventCount, 14);
      assert.ok(second.lastSeen > first.lastSeen, 'lastSeen moves forward');
      assert.equal(second.reopened, 0);
      // The same failure seen by a fresh observer has the same fingerprint: it is a hash of pattern × scope.
      const again = only(observe(f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 9, from: at(500) })));
      assert.equal(again.fingerprint, first.fingerprint);
    });

    it('goes quiet without new evidence and reopens when the failure recurs', () => {
      const f = new SignalFactory();
      const o = new Observer(makeConfig());
      o.add(f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 6, from: at(1) }));
      o.add(noise(f, at(20), 2 * HOUR));
      const quiet = only(o.evaluate(ctx(66)));
      assert.equal(quiet.status, 'quiet');
      o.add(f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 5, from: at(180) }));
      const reopened = only(o.evaluate(ctx(71)));
      assert.equal(reopened.id, quiet.id);
      assert.equal(reopened.status, 'open');
      assert.equal(reopened.reopened, 1);
      assert.equal(reopened.features.eventCount, 11);
    });

    it('assigns ids in order of first detection', () => {
      const f = new SignalFactory();
      const incidents = observe(
        byTime([
          ...f.eventSeries({ merchant: 'M9', code: 'http_500', count: 5, from: at(50) }),
          ...f.eventSeries({ merchant: 'M1', code: 'http_429', count: 5, from: at(10) }),
        ]),
      );
      assert.deepEqual(
        incidents.map((i) => `${i.id} ${i.merchants[0]}`),
        ['INC-1 M1', 'INC-2 M9'],
      );
    });
  });

  describe('determinism', () => {
    function day(f: SignalFactory): SignalRecord[] {
      return byTime([
        ...noise(f),
        ...f.eventSeries({ merchant: 'M3', code: 'http_401', service: 'webhook', count: 7, from: at(120) }),
        ...f.acrossMerchants(merchants(12), { code: 'checkout_timeout', service: 'api', perMerchant: 2, from: at(200) }),
        f.ticket({ merchant: 'M3', issue: 'webhook_not_received', time: at(125) }),
        ...f.ticketSeries({ merchant: 'M20', issue: 'how_to_configure', count: 3, from: at(300), every: 10 * MINUTE }),
      ]);
    }

    it('yields deep-equal incidents for the same records in the same order', () => {
      const a = observe(day(new SignalFactory()), { invalid: 3 });
      const b = observe(day(new SignalFactory()), { invalid: 3 });
      assert.ok(a.length >= 3, `${a.length} incidents`);
      assert.deepEqual(a, b);
    });

    it('yields the same incidents whether evaluated once or after every batch', () => {
      const records = day(new SignalFactory());
      const once = observe(records);
      const o = new Observer(makeConfig());
      let out: ObservedIncident[] = [];
      for (let i = 0; i < records.length; i += 25) {
        o.add(records.slice(i, i + 25));
        out = o.evaluate(ctx(Math.min(records.length, i + 25)));
      }
      assert.deepEqual(
        out.map((i) => [i.id, i.fingerprint, i.title, i.features.eventCount, i.features.ticketCount]),
        once.map((i) => [i.id, i.fingerprint, i.title, i.features.eventCount, i.features.ticketCount]),
      );
    });

    it('restores a JSON snapshot that continues exactly like the original', () => {
      const records = day(new SignalFactory());
      const half = Math.floor(records.length / 2);
      const original = new Observer(makeConfig());
      original.add(records.slice(0, half));
      original.evaluate(ctx(half));
      const restored = Observer.restore(makeConfig(), JSON.parse(JSON.stringify(original.snapshot())));
      assert.deepEqual(restored.evaluate(ctx(half)), original.evaluate(ctx(half)));
      original.add(records.slice(half));
      restored.add(records.slice(half));
      assert.deepEqual(restored.evaluate(ctx(records.length)), original.evaluate(ctx(records.length)));
    });

    it('refuses a snapshot taken with another window size', () => {
      const o = new Observer(makeConfig());
      const snap = JSON.parse(JSON.stringify(o.snapshot()));
      assert.throws(() => Observer.restore(makeConfig({ observe: { windowMs: 5 * MINUTE } }), snap), /windowMs = 600000/);
      assert.throws(() => Observer.restore(makeConfig(), { version: 99 }), /not a version 1 observer state/);
    });
  });

  describe('observation confidence', () => {
    it('is lowered by 0.2 when there is no ticket source, and says so', () => {
      const f = new SignalFactory();
      const incident = only(observe(f.eventSeries({ merchant: 'M3', code: 'http_500', count: 8 }), { tickets: false }));
      const factor = incident.observationConfidence.factors.find((x) => x.name === 'missing_source');
      assert.ok(factor, 'factor present');
      assert.equal(factor.delta, -0.2);
      assert.match(factor.detail, /no ticket source/);
      assert.equal(incident.observationConfidence.value, 0.8);
      assert.ok(!incident.anomalies.some((a) => a.detector === 'silent_failure'), 'no ticket source: silence means nothing');
    });

    it('is lowered by the share of invalid records', () => {
      const f = new SignalFactory();
      const incident = only(observe(f.eventSeries({ merchant: 'M3', code: 'http_500', count: 90 }), { invalid: 10 }));
      const factor = incident.observationConfidence.factors.find((x) => x.name === 'data_quality');
      assert.ok(factor, 'factor present');
      assert.equal(factor.delta, -0.1);
      assert.match(factor.detail, /10 % invalid records \(10 of 100\)/);
      assert.equal(incident.observationConfidence.value, 0.9);
    });

    it('is lowered for thin and stale evidence', () => {
      const f = new SignalFactory();
      const records = byTime([f.event({ merchant: 'M6', code: 'checkout_timeout', service: 'api', time: at(0) }), ...noise(f, at(30), 3 * HOUR)]);
      const incident = only(observe(records));
      const [stale, thin] = incident.observationConfidence.factors;
      assert.equal(stale?.name, 'staleness');
      assert.match(stale?.detail ?? '', /last evidence 3\.5 h before the latest event \(-0\.15\)/);
      assert.equal(thin?.name, 'thin_evidence');
      assert.match(thin?.detail ?? '', /only 1 record behind this incident \(-0\.15\)/);
      assert.equal(incident.observationConfidence.value, 0.7);
    });

    it('is 1 with both sources, clean data, fresh and ample evidence', () => {
      const f = new SignalFactory();
      const incident = only(observe(f.eventSeries({ merchant: 'M3', code: 'http_500', count: 8 })));
      assert.deepEqual(incident.observationConfidence, { value: 1, factors: [] });
    });
  });

  describe('bounded memory', () => {
    it('keeps a bounded number of windows and cells however long the stream runs', () => {
      const config = makeConfig();
      const o = new Observer(config);
      const f = new SignalFactory();
      const windows = 1000;
      const perWindow = 200;
      for (let w = 0; w < windows; w++) {
        const batch: SignalRecord[] = [];
        for (let i = 0; i < perWindow; i++) {
          batch.push(f.event({ merchant: `M${i % 20}`, code: i % 7 === 0 ? 'http_500' : 'http_404', time: T0 + w * config.observe.windowMs + i * 1000 }));
        }
        o.add(batch);
      }
      o.evaluate(ctx(windows * perWindow));
      const stats = o.stats();
      assert.ok(stats.windows <= stats.retainWindows + 1, `${stats.windows} windows kept, bound ${stats.retainWindows + 1}`);
      assert.ok(stats.windows < windows / 3, `${stats.windows} windows kept of ${windows}`);
      assert.ok(stats.cells <= (stats.retainWindows + 1) * 40, `${stats.cells} cells`);
      assert.equal(stats.signatures, 2);
    });

    it('keeps at most evidenceSample references per incident: the first ones and the most recent ones', () => {
      const f = new SignalFactory();
      // 500 errors over 8 hours: every window crosses the threshold, so the incident absorbs 48 windows of records.
      const records = f.eventSeries({ merchant: 'M3', code: 'http_500', count: 500, every: MINUTE });
      const incident = only(observe(records, { config: { observe: { evidenceSample: 10 } } }));
      assert.equal(incident.features.eventCount, 500);
      assert.equal(incident.evidence.length, 10);
      const ids = incident.evidence.map((e) => e.recordId);
      assert.equal(ids[0], 'E1');
      assert.equal(ids.at(-1), 'E500');
      assert.deepEqual(incident.evidence[0], {
        file: 'events.ndjson',
        line: 1,
        column: 1,
        recordId: 'E1',
        kind: 'event',
        merchantId: 'M3',
        code: 'http_500',
        timestamp: T0,
      });
    });

    it('counts records older than the retention horizon as late instead of reopening old windows', () => {
      const f = new SignalFactory();
      const o = new Observer(makeConfig());
      o.add([f.event({ time: at(0) }), f.event({ time: at(0) + 3 * 24 * HOUR })]);
      o.add([f.event({ time: at(5) })]);
      assert.equal(o.stats().lateRecords, 1);
    });
  });

  describe('features', () => {
    it('collects stages, endpoints and statuses from the incident records', () => {
      const f = new SignalFactory();
      const incident = only(
        observe([
          ...f.eventSeries({ merchant: 'M2', code: 'http_429', count: 5, endpoint: '/v1/orders', migrationStage: 'cutover', httpStatus: 429 }),
          ...f.eventSeries({ merchant: 'M2', code: 'rate_limited', count: 3, endpoint: '/v1/products', migrationStage: 'cutover', from: at(1) }),
        ]),
      );
      assert.deepEqual(incident.features.endpoints, ['/v1/orders', '/v1/products']);
      assert.deepEqual(incident.features.migrationStages, ['cutover']);
      assert.deepEqual(incident.features.httpStatuses, [429]);
      assert.deepEqual(incident.features.services, ['api']);
      assert.equal(incident.features.merchantCount, 1);
      assert.equal(incident.features.durationMs, 60_000 + 20_000);
      assert.deepEqual(incident.features.countsByCode, { http_429: 5, rate_limited: 3 });
    });
  });
});
