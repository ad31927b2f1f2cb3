import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OllamaLlm, type OllamaLlmOptions } from '../../../src/adapters/ollama/ollama-llm';
import type { LlmResult } from '../../../src/core/ports/llm';
import { BUSY_ERROR, FakeOllama, type Behaviour } from '../../fakes/fake-ollama';
import { llmRequest } from '../../fixtures/llm/llm-request';
import { MODEL_ANSWERS } from '../../fixtures/llm/model-answers';

/** Through the real `ollama` client, over real HTTP, against the fake server. */

const TIMEOUT = 300;
/** How late past its deadline a call may end (issue 8: deadline + 250 ms). */
const SLACK = 250;

describe('OllamaLlm against a fake Ollama server', () => {
  let fake: FakeOllama;
  const clients: OllamaLlm[] = [];

  const llm = (options: Partial<OllamaLlmOptions> = {}): OllamaLlm => {
    const client = new OllamaLlm({ host: fake.url, model: 'phi3:mini', timeoutMs: TIMEOUT, maxInFlight: 1, ...options });
    clients.push(client);
    return client;
  };

  /**
   * Runs a call and returns its duration minus the worst event-loop stall seen meanwhile: on a starved machine
   * timers fire late for everyone, and that delay is not the adapter's. What remains must fit in the slack.
   */
  const timed = async <T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const t0 = performance.now();
    const result = await run();
    const elapsed = performance.now() - t0;
    lag.disable();
    return { result, ms: elapsed - Math.max(0, lag.max / 1e6 - 10) };
  };

  const failureOf = (result: LlmResult): string => {
    assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
    return result.ok ? '' : result.reason;
  };

  beforeEach(async () => {
    fake = await FakeOllama.start();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.dispose();
    await fake.close();
  });

  describe('a correct answer', () => {
    for (const stream of [false, true]) {
      it(`becomes model hypotheses with a full trace (${stream ? 'streaming' : 'non-streaming'})`, async () => {
        const progress: number[] = [];
        const client = llm({ stream, onProgress: (p) => progress.push(p.chars) });
        const request = llmRequest();
        const result = await client.diagnose(request);
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.hypotheses[0]?.cause, 'webhook_auth_failure');
        assert.equal(result.hypotheses[0]?.confidence, 0.8);
        assert.deepEqual(result.hypotheses[0]?.source, { kind: 'llm', model: 'phi3:mini' });
        assert.deepEqual(result.hypotheses[0]?.evidence, ['STATS', 'T1']);
        assert.equal(result.trace.prompt, client.renderPrompt(request));
        assert.match(result.trace.rawAnswer ?? '', /"hypotheses"/);
        assert.equal(result.trace.attempts, 1);
        assert.equal(result.trace.cacheHit, false);
        assert.deepEqual(result.trace.repairs, []);
        assert.ok(typeof result.trace.latencyMs === 'number' && result.trace.latencyMs >= 0);
        if (stream) {
          assert.ok(progress.length > 2, 'progress reported per fragment');
          assert.equal(progress.at(-1), result.trace.rawAnswer?.length);
        }
      });
    }

    it('sends /api/chat with the JSON Schema format, temperature 0, a seed, num_predict and keep_alive', async () => {
      await llm().diagnose(llmRequest());
      const [body] = fake.chatRequests();
      assert.ok(body);
      const format = body.format as { type?: string; properties?: Record<string, any> };
      assert.equal(format.type, 'object');
      const causeEnum = format.properties?.hypotheses?.items?.properties?.cause?.enum as string[];
      assert.ok(causeEnum.includes('webhook_auth_failure') && causeEnum.includes('unknown'));
      assert.ok(!JSON.stringify(format).includes('"pattern"'), 'Ollama ignores regex patterns');
      assert.equal(body.options?.temperature, 0);
      assert.equal(body.options?.seed, 42);
      assert.ok(typeof body.options?.num_predict === 'number' && body.options.num_predict > 0);
      assert.equal(body.keep_alive, '10m');
      assert.equal(body.stream, false);
      assert.deepEqual(body.messages?.map((m) => m.role), ['system', 'user']);
    });
  });

  describe('model misbehaviour is repaired and recorded', () => {
    const cases: Array<[keyof typeof MODEL_ANSWERS, RegExp, string, number]> = [
      ['wordConfidence', /confidence "high" mapped to 0.85/, 'webhook_auth_failure', 0.85],
      ['percentage', /confidence 85 read as a percentage \(0.85\)/, 'webhook_auth_failure', 0.85],
      ['descriptionInsteadOfCause', /no cause given; its description names webhook_auth_failure/, 'webhook_auth_failure', 0.7],
      ['unknownsAsNumber', /unknowns given as number \(3\); ignored/, 'webhook_auth_failure', 0.7],
      ['unknownsAsObject', /unknowns given as an object/, 'webhook_auth_failure', 0.7],
      ['nestedEvidence', /flattened 2 nested evidence item/, 'webhook_auth_failure', 0.75],
      ['fenced', /unwrapped a fenced ```json block/, 'webhook_auth_failure', 0.8],
      ['prose', /stripped \d+ chars of prose/, 'webhook_auth_failure', 0.8],
      ['causeOutsideList', /cause "database_outage" is not an allowed cause; set to unknown/, 'unknown', 0.9],
    ];
    for (const [name, repair, cause, confidence] of cases) {
      it(name, async () => {
        fake.enqueue({ kind: 'answer', content: MODEL_ANSWERS[name] });
        const result = await llm().diagnose(llmRequest());
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.hypotheses[0]?.cause, cause);
        assert.equal(result.hypotheses[0]?.confidence, confidence);
        assert.ok(result.trace.repairs.some((r) => repair.test(r)), `repairs: ${JSON.stringify(result.trace.repairs)}`);
        assert.equal(fake.count('/api/chat'), 1, 'a repairable answer needs no retry');
      });
    }
  });

  describe('unusable answers: one retry with a shorter prompt, then an explained fallback', () => {
    it('truncated JSON is not guessed: retry, then llm_failed with the parser message', async () => {
      fake.enqueue({ kind: 'answer', content: MODEL_ANSWERS.truncated, doneReason: 'length' });
      fake.enqueue({ kind: 'answer', content: MODEL_ANSWERS.truncated, doneReason: 'length' });
      const request = llmRequest({ excerpts: Array.from({ length: 8 }, (_, i) => `ticket text number ${i + 1}`) });
      const result = await llm().diagnose(request);
      const reason = failureOf(result);
      assert.match(reason, /unusable after 2 attempt\(s\): truncated JSON \(Unterminated string/);
      assert.match(reason, /num_predict=512/);
      assert.equal(result.trace.attempts, 2);
      const [first, second] = fake.chatRequests().map((b) => String(b.messages?.[1]?.content));
      assert.ok(first && second && second.length < first.length, 'the retry prompt is shorter');
      assert.match(first, /8 of 8/);
      assert.match(second, /3 of 8/);
      assert.equal(result.trace.prompt.includes('3 of 8'), true, 'trace shows the prompt actually sent last');
    });

    it('a good second answer after a truncated first one succeeds on attempt 2', async () => {
      fake.enqueue({ kind: 'answer', content: MODEL_ANSWERS.truncated }, { kind: 'answer' });
      const result = await llm().diagnose(llmRequest());
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.trace.attempts, 2);
    });

    for (const name of ['malformed', 'wrongShape'] as const) {
      it(`${name} answer falls back after one retry`, async () => {
        fake.enqueue({ kind: 'answer', content: MODEL_ANSWERS[name] }, { kind: 'answer', content: MODEL_ANSWERS[name] });
        const reason = failureOf(await llm().diagnose(llmRequest()));
        assert.match(reason, name === 'malformed' ? /malformed JSON/ : /wrong shape/);
        assert.equal(fake.count('/api/chat'), 2);
      });
    }
  });

  describe('transport faults end within the deadline with a typed reason', () => {
    const faults: Array<[string, Behaviour, boolean, RegExp]> = [
      ['hang before headers', { kind: 'hang' }, false, /^timed out after 300 ms waiting for phi3:mini/],
      ['hang before headers (streaming)', { kind: 'hang' }, true, /^timed out after 300 ms/],
      ['slow drip (non-streaming body)', { kind: 'drip', intervalMs: 50 }, false, /^timed out after 300 ms/],
      ['slow drip (stream)', { kind: 'drip', intervalMs: 50 }, true, /^timed out after 300 ms/],
      ['stream that never says done', { kind: 'no-done' }, true, /stream ended without a final "done"/],
      ['error mid-stream', { kind: 'error-mid-stream' }, true, /error mid-stream: an error was encountered while running the model/],
      ['connection reset mid-body', { kind: 'reset-mid-body' }, false, /closed mid-response/],
      ['connection reset mid-stream', { kind: 'reset-mid-body' }, true, /closed mid-response/],
      ['malformed response body', { kind: 'malformed-body' }, false, /not valid JSON/],
      ['response without message', { kind: 'wrong-response-shape' }, false, /unexpected shape: \{model, created_at, done, total_duration\}/],
      ['400', { kind: 'error', status: 400, error: 'invalid options' }, false, /rejected the request \(400\): invalid options/],
      ['500', { kind: 'error', status: 500, error: 'llama runner process has terminated' }, false, /Ollama failed \(500\): llama runner process has terminated/],
      ['503 busy', { kind: 'error', status: 503, error: BUSY_ERROR }, false, /Ollama is busy \(503\): server busy/],
    ];
    for (const [name, behaviour, stream, expected] of faults) {
      it(name, async () => {
        fake.enqueue(behaviour);
        const { result, ms } = await timed(() => llm({ stream }).diagnose(llmRequest()));
        assert.match(failureOf(result), expected);
        assert.equal(result.trace.error, failureOf(result));
        assert.ok(ms < TIMEOUT + SLACK, `ended after ${ms.toFixed(0)} ms`);
        assert.equal(fake.count('/api/chat'), 1, 'transport faults are not retried');
      });
    }

    it('a stream with a non-JSON line still yields the answer; the line is skipped, recorded, and not logged', async () => {
      fake.enqueue({ kind: 'non-json-line' });
      const logged = await capturingConsole(() => llm({ stream: true }).diagnose(llmRequest()));
      assert.ok(logged.result.ok, JSON.stringify(logged.result));
      assert.deepEqual(logged.result.trace.repairs, ["skipped 1 non-JSON line(s) in Ollama's stream"]);
      assert.deepEqual(logged.lines, [], 'nothing written to the console');
    });

    it('a whitespace flood is cut early when streaming and retried once', async () => {
      fake.enqueue({ kind: 'whitespace-flood', chars: 30_000 }, { kind: 'whitespace-flood', chars: 30_000 });
      const reason = failureOf(await llm({ stream: true, timeoutMs: 2000 }).diagnose(llmRequest()));
      assert.match(reason, /unusable after 2 attempt\(s\): the model emitted 2000\+ characters of whitespace/);
    });

    it('a whitespace flood without streaming is an unusable answer, not a crash', async () => {
      fake.enqueue({ kind: 'whitespace-flood' }, { kind: 'whitespace-flood' });
      const reason = failureOf(await llm().diagnose(llmRequest()));
      assert.match(reason, /unusable after 2 attempt\(s\): truncated JSON/);
    });

    it('connection refused says Ollama is not running, with the fix', async () => {
      const port = await freePort();
      const { result, ms } = await timed(() =>
        llm({ host: `http://127.0.0.1:${port}` }).diagnose(llmRequest()),
      );
      assert.equal(failureOf(result), `Ollama is not running at http://127.0.0.1:${port} (connection refused) — start it with \`ollama serve\``);
      assert.ok(ms < TIMEOUT + SLACK);
    });

    it('a model that is not pulled names the pull command', async () => {
      fake.models = ['llama3.2:latest'];
      const reason = failureOf(await llm().diagnose(llmRequest()));
      assert.equal(reason, `model phi3:mini is not pulled at ${fake.url} — run \`ollama pull phi3:mini\``);
    });

    it('the caller aborting (loop stopping) ends the call at once', async () => {
      fake.enqueue({ kind: 'hang' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const { result, ms } = await timed(() => llm({ timeoutMs: 5000 }).diagnose(llmRequest(), controller.signal));
      assert.match(failureOf(result), /^cancelled/);
      assert.ok(ms < 50 + SLACK, `ended after ${ms.toFixed(0)} ms`);
    });

    it('dispose() aborts running and queued calls', async () => {
      fake.defaultBehaviour = { kind: 'hang' };
      const client = llm({ timeoutMs: 5000 });
      const running = client.diagnose(llmRequest());
      const queued = client.diagnose(distinct(2));
      // On a loaded machine the first request can take a while to reach the server: wait for it, not for a fixed time.
      for (let i = 0; i < 200 && fake.count('/api/chat') < 1; i++) await sleep(10);
      const { result: [a, b], ms } = await timed(() => {
        client.dispose();
        return Promise.all([running, queued]);
      });
      assert.equal(failureOf(a), 'LLM client disposed');
      assert.equal(failureOf(b), 'LLM client disposed');
      assert.ok(ms < SLACK);
      assert.equal(fake.count('/api/chat'), 1, 'the queued call never reached the server');
    });
  });

  describe('randomised faults', () => {
    it('200 calls over random faults, two clients and concurrency: every call settles within its deadline + 250 ms with a known reason', async function () {
      this.timeout(60_000);
      const random = mulberry32(20250115);
      const behaviours: Behaviour[] = [
        { kind: 'answer' },
        { kind: 'answer', content: MODEL_ANSWERS.percentage },
        { kind: 'answer', content: MODEL_ANSWERS.truncated },
        { kind: 'answer', delayMs: 100 },
        { kind: 'hang' },
        { kind: 'drip', intervalMs: 30 },
        { kind: 'no-done' },
        { kind: 'error-mid-stream' },
        { kind: 'non-json-line' },
        { kind: 'whitespace-flood', chars: 3000 },
        { kind: 'reset-mid-body' },
        { kind: 'malformed-body' },
        { kind: 'wrong-response-shape' },
        { kind: 'error', status: 400, error: 'invalid options' },
        { kind: 'error', status: 404, error: "model 'phi3:mini' not found" },
        { kind: 'error', status: 500, error: 'llama runner process has terminated' },
        { kind: 'error', status: 503, error: BUSY_ERROR },
      ];
      fake.defaultBehaviour = { kind: 'answer' };
      const timeoutMs = 150;
      const common = { timeoutMs, maxInFlight: 3, maxQueued: 500, breakerThreshold: 1_000_000 };
      const clientsByMode = [llm({ ...common, stream: false }), llm({ ...common, stream: true })];
      const known = /^(timed out after \d+ ms|Ollama (failed|is busy|rejected|reported|sent|streamed)|Ollama's (answer|stream)|the connection to Ollama|model phi3:mini is not pulled|model answer unusable after)/;
      const calls = Array.from({ length: 200 }, (_, i) => {
        fake.enqueue(behaviours[Math.floor(random() * behaviours.length)]!, behaviours[Math.floor(random() * behaviours.length)]!);
        const client = clientsByMode[i % 2]!;
        return client.diagnose(llmRequest({ priority: Math.floor(random() * 5), excerpts: [`random call ${i}`] }));
      });
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      const { result: results, lines } = await capturingConsole(() => Promise.all(calls));
      lag.disable();
      const stall = Math.max(0, lag.max / 1e6 - 10); // see timed()
      assert.deepEqual(lines, [], 'nothing written to the console');
      let failed = 0;
      for (const r of results) {
        const ms = r.trace.latencyMs ?? 0;
        assert.ok(ms - stall <= timeoutMs + SLACK, `a call ran ${ms} ms (loop stalled ${stall.toFixed(0)} ms): ${r.ok ? 'ok' : r.reason}`);
        if (!r.ok) {
          failed += 1;
          assert.match(r.reason, known);
        }
      }
      assert.ok(failed > 50 && failed < 200, `${failed} failures: the mix has both outcomes`);
    });
  });

  describe('circuit breaker', () => {
    it('opens after 3 consecutive failures, fails fast, then lets one probe through after the cool-down', async () => {
      fake.defaultBehaviour = { kind: 'error', status: 500, error: 'llama runner process has terminated' };
      const client = llm({ breakerThreshold: 3, breakerCooldownMs: 200 });
      for (let i = 0; i < 3; i++) assert.match(failureOf(await client.diagnose(distinct(i))), /Ollama failed \(500\)/);
      assert.equal(client.circuitState, 'open');
      const { result, ms } = await timed(() => client.diagnose(distinct(3)));
      assert.match(failureOf(result), /^circuit open: 3 consecutive failures, last: Ollama failed \(500\)/);
      assert.ok(ms < TIMEOUT, `fails fast (${ms.toFixed(0)} ms)`);
      assert.equal(fake.count('/api/chat'), 3, 'no request while open');

      await sleep(220);
      assert.equal(client.circuitState, 'half_open');
      fake.defaultBehaviour = { kind: 'answer' };
      const probe = await client.diagnose(distinct(4));
      assert.ok(probe.ok, JSON.stringify(probe));
      assert.equal(client.circuitState, 'closed');
      assert.equal(fake.count('/api/chat'), 4);
    });

    it('a failed probe opens the circuit again', async () => {
      fake.defaultBehaviour = { kind: 'error', status: 503, error: BUSY_ERROR };
      const client = llm({ breakerThreshold: 2, breakerCooldownMs: 100 });
      await client.diagnose(distinct(0));
      await client.diagnose(distinct(1));
      await sleep(120);
      assert.match(failureOf(await client.diagnose(distinct(2))), /busy \(503\)/);
      assert.equal(client.circuitState, 'open');
      assert.match(failureOf(await client.diagnose(distinct(3))), /^circuit open/);
      assert.equal(fake.count('/api/chat'), 3);
    });

    it('unusable answers do not open the circuit (the server is fine)', async () => {
      fake.defaultBehaviour = { kind: 'answer', content: MODEL_ANSWERS.truncated };
      const client = llm({ breakerThreshold: 2 });
      for (let i = 0; i < 3; i++) {
        await client.diagnose(distinct(i));
      }
      assert.equal(client.circuitState, 'closed');
    });
  });

  describe('queue', () => {
    it('never has more than maxInFlight calls at the server and runs queued calls by priority', async () => {
      fake.defaultBehaviour = { kind: 'answer', delayMs: 60 };
      const client = llm({ maxInFlight: 1, timeoutMs: 2000 });
      const req = (id: string, priority: number) => llmRequest({ priority, excerpts: [`marker ${id}`] });
      const first = client.diagnose(req('INC-first', 0));
      await sleep(10);
      const rest = [client.diagnose(req('INC-low', 1)), client.diagnose(req('INC-high', 9)), client.diagnose(req('INC-mid', 5))];
      const results = await Promise.all([first, ...rest]);
      assert.ok(results.every((r) => r.ok));
      assert.equal(fake.maxInFlight, 1);
      const order = fake.chatRequests().map((b) => /marker (INC-\w+)/.exec(String(b.messages?.[1]?.content))?.[1]);
      assert.deepEqual(order, ['INC-first', 'INC-high', 'INC-mid', 'INC-low']);
    });

    it('honours maxInFlight = 2', async () => {
      fake.defaultBehaviour = { kind: 'answer', delayMs: 60 };
      const client = llm({ maxInFlight: 2, timeoutMs: 2000 });
      const runs = Array.from({ length: 5 }, (_, i) =>
        client.diagnose(distinct(i)),
      );
      await Promise.all(runs);
      assert.equal(fake.maxInFlight, 2);
      assert.equal(fake.count('/api/chat'), 5);
    });

    it('the timeout counts from when the call runs, not while it waits its turn', async () => {
      fake.defaultBehaviour = { kind: 'answer', delayMs: 200 };
      const client = llm({ maxInFlight: 1, timeoutMs: 300 });
      const runs = [0, 1].map((i) => client.diagnose(distinct(i)));
      const results = await Promise.all(runs);
      assert.ok(results.every((r) => r.ok), JSON.stringify(results.map((r) => (r.ok ? 'ok' : r.reason))));
    });
  });

  describe('cache', () => {
    it('an identical ambiguous incident makes no new request', async () => {
      const client = llm();
      const first = await client.diagnose(llmRequest());
      const again = await client.diagnose(llmRequest());
      assert.ok(first.ok && again.ok);
      assert.equal(fake.count('/api/chat'), 1);
      assert.equal(again.trace.cacheHit, true);
      assert.equal(again.trace.attempts, 0);
      assert.deepEqual(again.hypotheses, first.hypotheses);
    });

    it('a recurrence of the same incident (new id, later times) is a cache hit', async () => {
      const client = llm();
      await client.diagnose(llmRequest());
      const base = llmRequest().incident;
      const hour = 3_600_000;
      const recurrence = { ...base, id: 'INC-0099', firstSeen: base.firstSeen + hour, lastSeen: base.lastSeen + hour };
      const again = await client.diagnose(llmRequest({ incident: recurrence }));
      assert.equal(again.trace.cacheHit, true);
      assert.equal(fake.count('/api/chat'), 1);
    });

    it('identical requests made at the same time share one call', async () => {
      fake.defaultBehaviour = { kind: 'answer', delayMs: 50 };
      const client = llm({ maxInFlight: 2 });
      const [a, b] = await Promise.all([client.diagnose(llmRequest()), client.diagnose(llmRequest())]);
      assert.ok(a.ok && b.ok);
      assert.equal(fake.count('/api/chat'), 1);
      assert.equal([a.trace.cacheHit, b.trace.cacheHit].filter(Boolean).length, 1);
    });

    it('a different incident or model is a miss; failures are not cached', async () => {
      fake.enqueue({ kind: 'error', status: 500, error: 'boom' });
      const client = llm();
      assert.equal((await client.diagnose(llmRequest())).ok, false);
      assert.equal((await client.diagnose(llmRequest())).ok, true);
      await client.diagnose(llmRequest({ excerpts: ['a different ticket'] }));
      assert.equal(fake.count('/api/chat'), 3);
    });
  });

  describe('health', () => {
    it('reports version and model readiness', async () => {
      const health = await llm().health();
      assert.deepEqual(health, { ok: true, status: `Ollama 0.12.3 at ${fake.url}, model phi3:mini ready` });
    });

    it('says which model to pull', async () => {
      fake.models = ['llama3.2:latest'];
      const health = await llm().health();
      assert.equal(health.ok, false);
      assert.equal(health.status, `Ollama 0.12.3 at ${fake.url} is up, but model phi3:mini is not pulled`);
      assert.equal(health.fix, 'run `ollama pull phi3:mini`');
    });

    it('accepts an untagged model name as :latest', async () => {
      fake.models = ['mistral:latest'];
      assert.equal((await llm({ model: 'mistral' }).health()).ok, true);
    });

    it('says Ollama is not running when nothing listens', async () => {
      const port = await freePort();
      const health = await llm({ host: `http://127.0.0.1:${port}` }).health();
      assert.equal(health.ok, false);
      assert.match(health.status, /Ollama is not running at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
      assert.match(health.fix ?? '', /ollama serve/);
    });

    it('a host that is not Ollama is named as such, without console noise', async () => {
      const { result: health, lines } = await capturingConsole(() => llm({ host: `${fake.url}/not-ollama` }).health());
      assert.equal(health.ok, false);
      assert.match(health.status, /answered 404 "404 page not found" — is it an Ollama server\?/);
      assert.deepEqual(lines, []);
    });

    it('preload asks Ollama to load the model', async () => {
      const loaded = await llm().preload();
      assert.deepEqual(loaded, { ok: true, status: `model phi3:mini loaded at ${fake.url}` });
      assert.deepEqual(fake.chatRequests()[0]?.messages, []);
      fake.models = [];
      assert.match((await llm().preload()).status, /not pulled/);
    });

    it('a hanging server times out', async () => {
      const hung = await startHangingServer();
      try {
        const { result: health, ms } = await timed(() => llm({ host: hung.url, healthTimeoutMs: 200 }).health());
        assert.equal(health.ok, false);
        assert.match(health.status, /timed out after 200 ms/);
        assert.ok(ms < 200 + SLACK);
      } finally {
        await hung.close();
      }
    });
  });
});

/** Runs `fn` with console.log/warn captured (ollama-js writes there on some error paths). */
async function capturingConsole<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const { log, warn } = console;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  console.warn = (...args: unknown[]) => void lines.push(args.join(' '));
  try {
    return { result: await fn(), lines };
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/** Small seeded PRNG so a failing random run can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Requests that differ in content (and so in prompt and cache key). */
function distinct(i: number) {
  return llmRequest({ excerpts: [`ticket number ${i}`] });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never answers (for health, which the fake answers at once). */
async function startHangingServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
