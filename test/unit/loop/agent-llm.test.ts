import { strict as assert } from 'node:assert';
import { OllamaLlm } from '../../../src/adapters/ollama/ollama-llm';
import type { Incident, Report } from '../../../src/core/report/schema';
import { FakeOllama, obeyInjections, type Behaviour } from '../../fakes/fake-ollama';
import { agentFor, scenarioDir, tempDir } from './agent-helpers';

const TIMEOUT_MS = 600;

/** The parts of a report that must not depend on whether an LLM was reachable. */
const decisions = (r: Report) =>
  r.incidents.map((i) => ({
    id: i.id,
    cause: i.cause,
    confidence: i.confidence,
    hypotheses: i.hypotheses,
    actions: i.decision?.actions.map((a) => ({ type: a.type, status: a.status, gates: a.gates })),
  }));

async function analyzeWith(dir: string, fake: FakeOllama | undefined, mode: 'auto' | 'on', host?: string): Promise<{ report: Report; ms: number }> {
  const url = host ?? fake!.url;
  const llm = new OllamaLlm({ host: url, model: 'phi3:mini', timeoutMs: TIMEOUT_MS, maxInFlight: 1 });
  const { agent } = await agentFor(dir, tempDir(), { llm: { mode, host: url, timeoutMs: TIMEOUT_MS } }, { llm });
  const started = Date.now();
  const report = await agent.analyzeOnce();
  const ms = Date.now() - started;
  agent.dispose();
  return { report, ms };
}

function ambiguous(report: Report): Incident[] {
  return report.incidents.filter((i) => i.ambiguity?.ambiguous);
}

describe('Agent with the LLM (fake Ollama over real HTTP)', function () {
  this.timeout(60_000);
  let dir: string;
  let deterministic: Report;

  before(async () => {
    dir = await scenarioDir('conflicting_signals');
    const { agent } = await agentFor(dir, tempDir());
    deterministic = await agent.analyzeOnce();
    agent.dispose();
    assert.ok(ambiguous(deterministic).length > 0, 'the scenario has an ambiguous incident');
  });

  it('escalates only ambiguous incidents and refines them (hybrid or llm), with the trace', async () => {
    const fake = await FakeOllama.start();
    try {
      const { report } = await analyzeWith(dir, fake, 'auto');
      const escalated = report.incidents.filter((i) => i.reasoningMode && i.reasoningMode !== 'deterministic');
      assert.deepEqual(
        escalated.map((i) => i.id),
        ambiguous(deterministic).map((i) => i.id),
      );
      for (const i of escalated) {
        assert.ok(i.reasoningMode === 'hybrid' || i.reasoningMode === 'llm', `${i.id}: ${i.reasoningMode} ${i.llm?.error ?? ''}`);
        assert.ok(i.llm && i.llm.prompt.length > 0 && i.llm.rawAnswer, 'the trace keeps the prompt and the raw answer');
        assert.ok(i.hypotheses?.some((h) => h.source.kind === 'llm'));
      }
      assert.equal(report.llm?.escalated, escalated.length);
      assert.equal(fake.count('/api/chat'), escalated.length, 'one call per ambiguous incident');
    } finally {
      await fake.close();
    }
  });

  const faults: [string, Behaviour, RegExp][] = [
    ['a server that never answers', { kind: 'hang' }, /time|abort/i],
    ['a malformed body', { kind: 'malformed-body' }, /./],
    ['JSON of the wrong shape', { kind: 'answer', content: '{"verdict":"fine"}' }, /./],
    ['JSON cut off mid-string', { kind: 'answer', content: '{"hypotheses":[{"cause":"webhook_auth_fai' }, /./],
    ['a 500', { kind: 'error', status: 500, error: 'internal error' }, /500|error/i],
    ['a model that is not pulled', { kind: 'error', status: 404, error: "model 'phi3:mini' not found" }, /pull/i],
  ];
  for (const [name, behaviour, reason] of faults) {
    it(`falls back to the deterministic result within the timeout on ${name}`, async () => {
      const fake = await FakeOllama.start({ defaultBehaviour: behaviour });
      try {
        const { report, ms } = await analyzeWith(dir, fake, 'on');
        assert.ok(ms < TIMEOUT_MS * 2 + 1500, `analyze took ${ms} ms`);
        for (const i of ambiguous(deterministic)) {
          const got = report.incidents.find((x) => x.id === i.id)!;
          assert.equal(got.reasoningMode, 'llm_failed');
          assert.match(got.llm?.error ?? '', reason);
          assert.equal(got.cause, i.cause, 'the deterministic cause stands');
        }
        assert.deepEqual(
          report.incidents.filter((i) => !i.ambiguity?.ambiguous).map((i) => i.reasoningMode),
          deterministic.incidents.filter((i) => !i.ambiguity?.ambiguous).map(() => 'deterministic'),
        );
      } finally {
        await fake.close();
      }
    });
  }

  it('with the LLM unreachable (auto), results equal the deterministic ones exactly', async () => {
    const { report } = await analyzeWith(dir, undefined, 'auto', 'http://127.0.0.1:9');
    assert.deepEqual(decisions(report), decisions(deterministic));
    assert.match(report.llm?.status ?? '', /not running|refused|unreachable|cannot/i);
  });

  it('never executes an action that only the model proposed, even when the model obeys injected text', async () => {
    const fake = await FakeOllama.start({ answer: obeyInjections });
    try {
      const { report } = await analyzeWith(dir, fake, 'on');
      for (const i of report.incidents) {
        const modelOnly = i.hypotheses?.some((h) => h.cause === i.cause && h.source.kind === 'llm') && !i.hypotheses?.some((h) => h.cause === i.cause && h.source.kind === 'rule');
        if (!modelOnly) continue;
        for (const a of i.decision?.actions ?? []) assert.notEqual(a.status, 'executed', `${i.id} ${a.type} ran on a model-only cause`);
      }
    } finally {
      await fake.close();
    }
  });
});
