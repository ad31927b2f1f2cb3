import { strict as assert } from 'node:assert';
import { Memory, UnknownIncidentError } from '../../../src/core/memory/memory';
import { MemoryIndex } from '../../../src/core/memory/memory-index';
import type { Incident } from '../../../src/core/report/schema';
import { incident } from '../act/builders';
import { MemoryJournal } from './memory-journal';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1);

function inc(id: string, over: Partial<Incident> = {}): Incident {
  return incident({ id, fingerprint: `fp-${id}`, firstSeen: T0, lastSeen: T0 + 1000, ...over });
}

describe('memory/memory-index', () => {
  let journal: MemoryJournal;
  let memory: Memory;
  beforeEach(() => {
    journal = new MemoryJournal();
    memory = new Memory(journal);
  });

  it('indexes incidents by cause and fingerprint, keeping the latest summary of each', async () => {
    await memory.recordIncident(inc('A', { confidence: 0.5 }));
    await memory.recordIncident(inc('A', { confidence: 0.8, status: 'resolved' }));
    await memory.recordIncident(inc('B', { cause: 'rate_limiting' }));
    await memory.recordIncident(inc('C', { fingerprint: 'fp-A' }));
    assert.equal(memory.index.incident('A')!.confidence, 0.8);
    assert.deepEqual(memory.index.byCause('webhook_auth_failure').map((i) => i.id).sort(), ['A', 'C']);
    assert.deepEqual(memory.index.byFingerprintOf('fp-A').map((i) => i.id).sort(), ['A', 'C']);
    assert.deepEqual(memory.index.openIncidents().map((i) => i.id).sort(), ['B', 'C']);
    assert.deepEqual(memory.index.countsByCause(), { webhook_auth_failure: 2, rate_limiting: 1 });
    // The summary stores ids, codes and numbers — never evidence copies or ticket text.
    assert.deepEqual(Object.keys(journal.list[0]!.data.incident as object).sort(), [
      'cause', 'confidence', 'fingerprint', 'firstSeen', 'hypotheses', 'id', 'lastSeen', 'merchants', 'reasoningMode', 'ruleId', 'scope', 'signatures', 'status', 'title',
    ]);
  });

  it('finds similar past incidents: same cause, overlapping signatures or merchants, best first', async () => {
    const sig = (s: string) => [{ signature: s, kind: 'event' as const, code: 'x', service: 'y', count: 1, merchants: [] }];
    await memory.recordIncident(inc('now', { signatures: sig('http_401@webhook'), merchants: ['m1', 'm2'] }));
    await memory.recordIncident(inc('same-sig', { signatures: sig('http_401@webhook'), merchants: ['m9'] }));
    await memory.recordIncident(inc('same-merchant', { signatures: sig('http_403@webhook'), merchants: ['m1'] }));
    await memory.recordIncident(inc('other-cause', { cause: 'rate_limiting', signatures: sig('http_401@webhook'), merchants: ['m1', 'm2'] }));
    await memory.recordIncident(inc('unrelated', { signatures: sig('http_500@api'), merchants: ['m7'] }));
    await memory.recordOutcome('same-sig', 'resolved', 'alice');
    const similar = memory.index.similar(memory.index.incident('now')!);
    assert.deepEqual(similar.map((s) => s.incident.id), ['same-sig', 'same-merchant']);
    assert.equal(similar[0]!.outcome, 'resolved');
    assert.ok(similar[0]!.score > similar[1]!.score);
  });

  it('buckets per-cause counts and mean confidence over time for trend charts', async () => {
    await memory.recordIncident(inc('a', { firstSeen: T0 + 1000, confidence: 0.9 }));
    await memory.recordIncident(inc('b', { firstSeen: T0 + 2000, confidence: 0.7 }));
    await memory.recordIncident(inc('c', { firstSeen: T0 + DAY + 5, cause: 'rate_limiting', confidence: 0.6 }));
    await memory.recordIncident(inc('d', { firstSeen: T0 + DAY + 9, cause: undefined, confidence: undefined }));
    const trend = memory.index.trend(DAY);
    assert.deepEqual(trend, [
      { start: T0, causes: { webhook_auth_failure: { count: 2, meanConfidence: 0.8 } } },
      { start: T0 + DAY, causes: { rate_limiting: { count: 1, meanConfidence: 0.6 }, unknown: { count: 1, meanConfidence: null } } },
    ]);
    assert.deepEqual(memory.index.trend(DAY, { from: T0 + DAY }).map((b) => b.start), [T0 + DAY]);
    assert.throws(() => memory.index.trend(0), RangeError);
  });

  it('credits outcomes to the rule behind the chosen hypothesis and computes precision', async () => {
    for (const [id, outcome] of [['1', 'resolved'], ['2', 'resolved'], ['3', 'false_positive'], ['4', 'wrong_cause']] as const) {
      await memory.recordIncident(inc(id));
      await memory.recordOutcome(id, outcome, 'alice');
    }
    // An LLM-chosen cause credits no rule.
    await memory.recordIncident(inc('llm', { hypotheses: [{ cause: 'webhook_auth_failure', confidence: 0.7, explanation: '', evidence: [], source: { kind: 'llm', model: 'phi3' } }] }));
    const o = await memory.recordOutcome('llm', 'resolved', 'bob');
    assert.equal(o.ruleId, undefined);
    // Correcting an outcome replaces it.
    await memory.recordOutcome('4', 'resolved', 'alice', 'it was the secret after all');
    const stats = memory.index.ruleStats();
    assert.deepEqual(stats, [{ ruleId: 'webhook-401', resolved: 3, false_positive: 1, wrong_cause: 0, samples: 4, precision: 0.75, smoothedPrecision: 5 / 7 }]);
    await assert.rejects(memory.recordOutcome('nope', 'resolved', 'x'), UnknownIncidentError);
  });

  it('rebuilds the same index from the journal alone', async () => {
    await memory.recordIncident(inc('1'));
    await memory.recordOutcome('1', 'resolved', 'alice');
    await memory.append('automation', { paused: true, by: 'alice', reason: 'maintenance' });
    const rebuilt = new Memory(journal);
    const entries = await rebuilt.load();
    assert.equal(entries.length, 3);
    assert.deepEqual(rebuilt.index.ruleStats(), memory.index.ruleStats());
    assert.equal(rebuilt.index.paused, true);
    assert.equal(rebuilt.index.pause!.reason, 'maintenance');
  });

  it('skips journal entries that do not match their schema instead of trusting them', () => {
    const index = new MemoryIndex();
    index.apply({ seq: 1, at: 1, type: 'incident', data: { incident: { id: 'x' } } });
    index.apply({ seq: 2, at: 2, type: 'outcome', data: { incidentId: 'x', outcome: 'maybe', by: 'y' } });
    assert.equal(index.allIncidents().length, 0);
    assert.equal(index.allOutcomes().length, 0);
  });

  it('summarises LLM use from incident entries', async () => {
    await memory.recordIncident(inc('1', { llm: { model: 'phi3', prompt: 'p', repairs: [], cacheHit: false, latencyMs: 1000, attempts: 1 } }));
    await memory.recordIncident(inc('2', { llm: { model: 'phi3', prompt: 'p', repairs: [], cacheHit: true, latencyMs: 0, attempts: 1 } }));
    await memory.recordIncident(inc('3', { llm: { model: 'phi3', prompt: 'p', repairs: [], cacheHit: false, error: 'timed out', attempts: 2 } }));
    assert.deepEqual(memory.index.llmStats(), { incidents: 3, cacheHits: 1, errors: 1, meanLatencyMs: 500 });
    assert.ok(!JSON.stringify(journal.list).includes('"prompt"'), 'prompts are not journalled in summaries');
  });
});
