import assert from 'node:assert/strict';
import { generate, type GenerateOptions, type GroundTruth } from '../../../src/core/generate/generate';
import { mulberry32 } from '../../../src/core/generate/prng';
import { SCENARIO_NAMES, scenarioByName, type ScenarioName } from '../../../src/core/generate/scenarios';
import { BUILTIN_RULES } from '../../../src/core/reason/builtin-rules';
import { CAUSES } from '../../../src/core/report/schema';

interface Generated {
  events: string;
  tickets: string;
  truth: GroundTruth;
}

async function run(opts: Partial<GenerateOptions> & { scenario: ScenarioName }): Promise<Generated> {
  let events = '';
  let tickets = '';
  const truth = await generate(
    { seed: 1, format: 'json', ...opts },
    { events: { write: (c) => void (events += c) }, tickets: { write: (c) => void (tickets += c) } },
  );
  return { events, tickets, truth };
}

interface EventRecord {
  event_id: string;
  merchant_id: string;
  error_code: string;
  service: string;
  timestamp: string;
}

const WINDOW = 10 * 60_000;
const ts = (s: string) => Date.parse(`${s}Z`);

describe('generate: determinism and format', () => {
  it('same scenario and seed ⇒ identical bytes; another seed ⇒ different data', async () => {
    for (const scenario of ['sample_day', 'conflicting_signals'] as const) {
      for (const format of ['json', 'ndjson'] as const) {
        const a = await run({ scenario, seed: 42, format });
        const b = await run({ scenario, seed: 42, format });
        assert.equal(a.events, b.events);
        assert.equal(a.tickets, b.tickets);
        assert.deepEqual(a.truth, b.truth);
        const c = await run({ scenario, seed: 43, format });
        assert.notEqual(a.events, c.events);
      }
    }
  });

  it('writes the prototype format: a JSON array with one record per line, sequential ids, zone-less timestamps in order', async () => {
    const { events, tickets, truth } = await run({ scenario: 'sample_day', seed: 20260131 });
    const lines = events.split('\n');
    assert.equal(lines[0], '[');
    assert.equal(lines.at(-2), ']');
    assert.equal(lines.at(-1), '');
    const records = JSON.parse(events) as EventRecord[];
    assert.equal(records.length, truth.events);
    assert.equal(lines.length, records.length + 3);
    assert.deepEqual(Object.keys(records[0]!), ['event_id', 'merchant_id', 'error_code', 'service', 'timestamp']);
    records.forEach((r, i) => {
      assert.equal(r.event_id, `E${i + 1}`);
      assert.match(r.timestamp, /^2026-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
      assert.match(r.merchant_id, /^M([1-9]|1[0-2])$/);
      assert.ok(['api', 'webhook', 'checkout', 'frontend'].includes(r.service));
      if (i > 0) assert.ok(ts(r.timestamp) >= ts(records[i - 1]!.timestamp));
    });
    const ticketRecords = JSON.parse(tickets) as Record<string, string>[];
    assert.equal(ticketRecords.length, truth.tickets);
    assert.deepEqual(Object.keys(ticketRecords[0]!), ['ticket_id', 'merchant_id', 'issue', 'message', 'timestamp']);
    assert.ok(ticketRecords.every((t, i) => t.ticket_id === `T${i + 1}` && t.message!.length > 10));
  });

  it('ndjson: one record per line, same records as the json format', async () => {
    const json = await run({ scenario: 'webhook_failure', seed: 5, format: 'json' });
    const ndjson = await run({ scenario: 'webhook_failure', seed: 5, format: 'ndjson' });
    const fromNd = ndjson.events.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(fromNd, JSON.parse(json.events));
    assert.ok(ndjson.events.endsWith('}\n'));
  });

  it('--events sets the total; planted incidents are always written in full', async () => {
    const big = await run({ scenario: 'clear_misconfig', events: 2000 });
    assert.equal(big.truth.events, 2000);
    const tiny = await run({ scenario: 'clear_misconfig', events: 10 });
    assert.equal(tiny.truth.events, 40); // the M4 burst (28 + 12), no noise
    const none = await run({ scenario: 'healthy', events: 0 });
    assert.equal(none.events, '[\n]\n');
    assert.deepEqual(JSON.parse(none.events), []);
  });

  it('rejects an unknown scenario and a bad seed with a clear message', async () => {
    await assert.rejects(run({ scenario: 'nope' as ScenarioName }), /unknown scenario "nope" \(known: clear_misconfig, webhook_failure/);
    await assert.rejects(run({ scenario: 'healthy', seed: 1.5 }), /seed must be an integer, got 1.5/);
    await assert.rejects(run({ scenario: 'healthy', events: -1 }), /events must be a non-negative integer/);
  });

  it('mulberry32 is a stable sequence', () => {
    const r = mulberry32(1);
    assert.deepEqual([r.next(), r.next(), r.next()].map((x) => x.toFixed(6)), ['0.627074', '0.002736', '0.527447']);
  });
});

describe('generate: streaming', () => {
  it('streams a million events through a slow sink without holding them in memory', async function () {
    this.timeout(120_000);
    let lines = 0;
    let chunks = 0;
    let maxChunk = 0;
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const truth = await generate(
      { scenario: 'platform_regression', seed: 9, events: 1_000_000, format: 'ndjson' },
      {
        events: {
          write: (chunk) => {
            chunks++;
            maxChunk = Math.max(maxChunk, chunk.length);
            for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines++;
            if (chunks % 200 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
            // Backpressure every so often, as a file stream gives.
            return chunks % 50 === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined;
          },
        },
        tickets: { write: () => undefined },
      },
    );
    assert.equal(lines, 1_000_000);
    assert.equal(truth.events, 1_000_000);
    assert.ok(maxChunk < 200_000, `chunk of ${maxChunk} chars`);
    const grownMb = (peak - before) / 1e6;
    // A million ~120-byte records is ~120 MB of text; streaming keeps the heap far below that.
    assert.ok(grownMb < 60, `heap grew by ${grownMb.toFixed(0)} MB`);
  });
});

describe('generate: ground truth (expected.json)', () => {
  for (const scenario of SCENARIO_NAMES) {
    it(`${scenario}: expected incidents are well-formed and dense enough for Observe to detect`, async () => {
      const { events, truth } = await run({ scenario, seed: 3 });
      assert.equal(truth.scenario, scenario);
      assert.equal(truth.seed, 3);
      const records = JSON.parse(events) as EventRecord[];
      for (const inc of truth.incidents) {
        assert.ok((CAUSES as readonly string[]).includes(inc.cause));
        assert.ok(inc.merchants.length > 0 && inc.codes.length > 0);
        assert.equal(inc.scope, inc.merchants.length >= 10 ? 'platform' : inc.merchants.length >= 3 ? 'multi_merchant' : 'merchant');
        assert.ok(inc.firstSeen <= inc.lastSeen);
        assert.ok(inc.note.length > 20);
        const mine = records.filter((r) => inc.merchants.includes(r.merchant_id) && inc.codes.includes(r.error_code));
        if (mine.length === 0) continue; // ticket-only incident (documentation_gap)
        // Count per aligned 10-minute window × signature × merchant, as Observe does.
        const cells = new Map<string, number>();
        const merchantsPerWindow = new Map<string, Set<string>>();
        for (const r of mine) {
          const w = Math.floor(ts(r.timestamp) / WINDOW);
          const key = `${w}|${r.error_code}@${r.service}`;
          cells.set(`${key}|${r.merchant_id}`, (cells.get(`${key}|${r.merchant_id}`) ?? 0) + 1);
          if (!merchantsPerWindow.has(key)) merchantsPerWindow.set(key, new Set());
          merchantsPerWindow.get(key)!.add(r.merchant_id);
        }
        assert.ok(Math.max(...cells.values()) >= 5, `${inc.label}: no merchant reaches 5 repeats in a 10-minute window`);
        if (inc.scope === 'platform') {
          const widest = Math.max(...[...merchantsPerWindow.values()].map((s) => s.size));
          assert.ok(widest >= 10, `${inc.label}: only ${widest} merchants in one window`);
        }
      }
    });
  }

  it('every cause a built-in rule diagnoses is the ground truth of some scenario, so `cosmos eval` exercises every rule', () => {
    const planted = new Set(SCENARIO_NAMES.flatMap((name) => scenarioByName(name)!.bursts.map((b) => b.expect.cause)));
    // normal_operation is what the healthy scenario's background noise is; it plants no incident.
    const diagnosable = new Set(BUILTIN_RULES.filter((r) => !r.fallback && r.cause !== 'normal_operation').map((r) => r.cause));
    assert.deepEqual([...diagnosable].filter((cause) => !planted.has(cause)), []);
  });

  it('the deliberately ambiguous scenarios say so, with the reasoning written down', async () => {
    for (const scenario of ['conflicting_signals', 'low_signal_noise'] as const) {
      const { truth } = await run({ scenario });
      assert.equal(truth.incidents.length, 1);
      assert.equal(truth.incidents[0]!.cause, 'unknown');
      assert.equal(truth.incidents[0]!.ambiguous, true);
    }
  });

  it('background noise alone never looks like an incident (healthy, several seeds)', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { events, truth } = await run({ scenario: 'healthy', seed });
      assert.deepEqual(truth.incidents, []);
      const perSignature = new Map<string, number>();
      for (const r of JSON.parse(events) as EventRecord[]) {
        if (/^http_3\d\d$/.test(r.error_code)) continue; // redirects/not-modified are not errors to Observe
        const key = `${Math.floor(ts(r.timestamp) / WINDOW)}|${r.error_code}@${r.service}`;
        perSignature.set(key, (perSignature.get(key) ?? 0) + 1);
      }
      const busiest = Math.max(...perSignature.values());
      assert.ok(busiest < 5, `seed ${seed}: a noise signature reached ${busiest} in one window`);
    }
  });
});
