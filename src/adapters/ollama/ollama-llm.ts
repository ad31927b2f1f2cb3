import { Ollama, type ChatRequest, type ChatResponse } from 'ollama';
import type { LlmHealth, LlmPort, LlmRequest, LlmResult } from '../../core/ports/llm';
import type { Clock } from '../../core/ports/clock';
import type { Hypothesis, LlmTrace } from '../../core/report/schema';
import { answerJsonSchema } from '../../core/reason/llm/answer';
import { buildPrompt, FULL_BUDGET, renderPromptText, SHORT_BUDGET, type BuiltPrompt } from '../../core/reason/llm/prompt';
import { truncate } from '../../core/reason/llm/redact';
import { parseAnswer } from '../../core/reason/llm/repair';
import { AnswerCache } from './answer-cache';
import { CallDeadline } from './call-deadline';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import { countsAgainstServer, describeFailure, type LlmFailure, type LlmFailureKind } from './failure';
import { ollamaFetch } from './ollama-fetch';
import { PriorityScheduler, SchedulerRejection } from './priority-scheduler';

/**
 * The LLM port over a local Ollama server, through the `ollama` npm client. Never throws: every call ends with a
 * validated answer or a typed reason, within `timeoutMs` of starting (queue wait is bounded separately by the
 * caller's signal). The model's answer only ever becomes hypotheses; actions stay with the policy.
 */

export interface LlmProgress {
  readonly incidentId: string;
  readonly attempt: number;
  /** Characters of answer received so far. */
  readonly chars: number;
  readonly done: boolean;
}

export interface OllamaLlmOptions {
  readonly host: string;
  readonly model: string;
  /** Budget of one diagnosis once it runs (both attempts together), in ms. */
  readonly timeoutMs: number;
  readonly maxInFlight?: number;
  /** Stream the answer (progress callbacks, early stop on a whitespace flood). Default false. */
  readonly stream?: boolean;
  readonly onProgress?: (progress: LlmProgress) => void;
  /** How long Ollama keeps the model loaded after a call. Default '10m'. */
  readonly keepAlive?: string | number;
  /** Upper bound on answer tokens; Ollama's default is unlimited. Default 512. */
  readonly numPredict?: number;
  /** Context size; kept constant because changing runner options reloads the model. Default 4096. */
  readonly numCtx?: number;
  readonly seed?: number;
  /** Longest answer accepted while streaming, in characters. Default 8000. */
  readonly maxAnswerChars?: number;
  readonly maxQueued?: number;
  readonly breakerThreshold?: number;
  readonly breakerCooldownMs?: number;
  readonly cacheEntries?: number;
  readonly healthTimeoutMs?: number;
  /** Underlying fetch (default: global fetch); the adapter wraps it to enforce deadlines. */
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  /** Present in `config.llm`; not used here (the caller decides the mode, merge applies the cap). */
  readonly mode?: string;
  readonly confidenceCap?: number;
}

type ChatOutcome = (
  | { readonly ok: true; readonly content: string; readonly doneReason?: string }
  | { readonly ok: false; readonly failure: LlmFailure; readonly content?: string }
) & { readonly skippedLines?: number };

const WHITESPACE_FLOOD_CHARS = 2000;

export class OllamaLlm implements LlmPort {
  readonly name: string;
  private readonly host: string;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly options: OllamaLlmOptions;
  private readonly baseFetch: typeof fetch;
  private readonly scheduler: PriorityScheduler;
  private readonly breaker: CircuitBreaker;
  private readonly cache: AnswerCache<LlmResult & { ok: true }>;
  private readonly inflight = new Map<string, Promise<LlmResult>>();
  private readonly disposeController = new AbortController();

  constructor(options: OllamaLlmOptions) {
    this.options = options;
    this.host = options.host.replace(/\/+$/, '');
    this.model = options.model;
    this.timeoutMs = options.timeoutMs;
    this.name = `ollama:${options.model}`;
    this.baseFetch = options.fetch ?? globalThis.fetch;
    this.scheduler = new PriorityScheduler(options.maxInFlight ?? 1, options.maxQueued ?? 64);
    this.breaker = new CircuitBreaker({
      threshold: options.breakerThreshold ?? 3,
      cooldownMs: options.breakerCooldownMs ?? 30_000,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.cache = new AnswerCache(options.cacheEntries ?? 500);
  }

  get circuitState(): BreakerState {
    return this.breaker.state;
  }

  get queueDepth(): { running: number; queued: number } {
    return { running: this.scheduler.running, queued: this.scheduler.queued };
  }

  renderPrompt(request: LlmRequest): string {
    return renderPromptText(buildPrompt(request, FULL_BUDGET));
  }

  async health(signal?: AbortSignal): Promise<LlmHealth> {
    const timeoutMs = this.options.healthTimeoutMs ?? Math.min(this.timeoutMs, 5_000);
    const deadline = new CallDeadline(timeoutMs, [
      { signal, kind: 'cancelled' },
      { signal: this.disposeController.signal, kind: 'disposed' },
    ]);
    const client = this.client(deadline.signal);
    try {
      const { version } = await client.version();
      const { models } = await client.list();
      const names = new Set(models.flatMap((m) => [m.name, m.model]));
      const wanted = this.model.includes(':') ? [this.model] : [this.model, `${this.model}:latest`];
      const where = `Ollama ${version} at ${this.host}`;
      if (wanted.some((w) => names.has(w))) return { ok: true, status: `${where}, model ${this.model} ready` };
      return {
        ok: false,
        status: `${where} is up, but model ${this.model} is not pulled`,
        fix: `run \`ollama pull ${this.model}\``,
      };
    } catch (err) {
      const failure = describeFailure(err, this.failureContext(deadline, false, timeoutMs));
      return { ok: false, status: failure.reason, fix: this.fixFor(failure.kind) };
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Loads the model ahead of the first diagnosis (a cold load takes seconds): `/api/chat` with no messages,
   * which Ollama answers with `done_reason: "load"`. Optional; failures are reported like health().
   */
  async preload(signal?: AbortSignal): Promise<LlmHealth> {
    const deadline = new CallDeadline(this.timeoutMs, [
      { signal, kind: 'cancelled' },
      { signal: this.disposeController.signal, kind: 'disposed' },
    ]);
    try {
      await this.client(deadline.signal).chat({
        model: this.model,
        messages: [],
        stream: false,
        keep_alive: this.options.keepAlive ?? '10m',
      });
      return { ok: true, status: `model ${this.model} loaded at ${this.host}` };
    } catch (err) {
      const failure = describeFailure(err, this.failureContext(deadline, false, this.timeoutMs));
      return { ok: false, status: failure.reason, fix: this.fixFor(failure.kind) };
    } finally {
      deadline.dispose();
    }
  }

  async diagnose(request: LlmRequest, signal?: AbortSignal): Promise<LlmResult> {
    const prompt = buildPrompt(request, FULL_BUDGET);
    const rendered = renderPromptText(prompt);
    const key = AnswerCache.key(this.model, rendered);
    const cached = this.cache.get(key);
    if (cached) return this.asCacheHit(cached);
    const pending = this.inflight.get(key);
    if (pending) {
      const shared = await pending;
      // Someone else's cancellation is not this caller's answer: then run its own call.
      if (shared.ok) return this.asCacheHit(shared);
      if (!shared.reason.startsWith('cancelled')) return shared;
    }
    const run = this.schedule(request, prompt, rendered, signal);
    this.inflight.set(key, run);
    try {
      const result = await run;
      if (result.ok) this.cache.set(key, result);
      return result;
    } finally {
      this.inflight.delete(key);
    }
  }

  dispose(): void {
    this.disposeController.abort();
    this.scheduler.dispose();
  }

  private async schedule(request: LlmRequest, prompt: BuiltPrompt, rendered: string, signal?: AbortSignal): Promise<LlmResult> {
    if (this.disposeController.signal.aborted) return this.failed(rendered, 'LLM client disposed', 0);
    // Fail fast while the circuit is open, before waiting in the queue.
    const blocked = this.breaker.blockedReason();
    if (blocked) return this.failed(rendered, blocked, 0);
    try {
      return await this.scheduler.run(request.priority, signal, () => this.attempts(request, prompt, rendered, signal));
    } catch (err) {
      const reason = err instanceof SchedulerRejection ? err.message : `LLM scheduling failed: ${String(err)}`;
      return this.failed(rendered, reason, 0);
    }
  }

  /** First attempt with the full prompt; on an unusable answer one more with a shorter one; then give up. */
  private async attempts(request: LlmRequest, first: BuiltPrompt, firstRendered: string, signal?: AbortSignal): Promise<LlmResult> {
    // The circuit may have opened while this call waited in the queue.
    const gate = this.breaker.acquire();
    if (!gate.ok) return this.failed(firstRendered, gate.reason, 0);
    const deadline = new CallDeadline(this.timeoutMs, [
      { signal, kind: 'cancelled' },
      { signal: this.disposeController.signal, kind: 'disposed' },
    ]);
    const schema = answerJsonSchema(request.allowedCauses);
    const repairs: string[] = [];
    let rendered = firstRendered;
    let rawAnswer: string | undefined;
    let lastError = '';
    let attempt = 0;
    try {
      for (const budget of [FULL_BUDGET, SHORT_BUDGET]) {
        if (attempt > 0 && deadline.remainingMs <= 0) break;
        attempt += 1;
        const prompt = attempt === 1 ? first : buildPrompt(request, budget);
        rendered = attempt === 1 ? firstRendered : renderPromptText(prompt);
        const outcome = await this.chat(request.incident.id, attempt, prompt, schema, deadline);
        rawAnswer = outcome.content === undefined ? rawAnswer : truncate(outcome.content, 4000);
        const prefix = attempt > 1 ? `attempt ${attempt}: ` : '';
        if (outcome.skippedLines) repairs.push(`${prefix}skipped ${outcome.skippedLines} non-JSON line(s) in Ollama's stream`);
        if (!outcome.ok && outcome.failure.kind !== 'unusable_answer') {
          if (countsAgainstServer(outcome.failure.kind)) this.breaker.failure(outcome.failure.reason);
          else this.breaker.release();
          return this.failed(rendered, outcome.failure.reason, attempt, deadline, rawAnswer, repairs);
        }
        this.breaker.success();
        if (!outcome.ok) {
          lastError = outcome.failure.reason;
          continue;
        }
        const parsed = parseAnswer(outcome.content, request.allowedCauses);
        repairs.push(...parsed.repairs.map((r) => prefix + r));
        if (parsed.ok) {
          const hypotheses: Hypothesis[] = parsed.answer.hypotheses.map((h) => ({
            cause: h.cause,
            confidence: h.confidence,
            explanation: h.explanation,
            evidence: h.evidence ?? [],
            source: { kind: 'llm', model: this.model },
          }));
          return { ok: true, hypotheses, trace: this.trace(rendered, attempt, deadline, rawAnswer, repairs) };
        }
        lastError =
          parsed.error + (outcome.doneReason === 'length' ? ` (the model hit num_predict=${this.numPredict} tokens)` : '');
      }
      return this.failed(rendered, `model answer unusable after ${attempt} attempt(s): ${lastError}`, attempt, deadline, rawAnswer, repairs);
    } finally {
      deadline.dispose();
    }
  }

  private get numPredict(): number {
    return this.options.numPredict ?? 512;
  }

  private async chat(
    incidentId: string,
    attempt: number,
    prompt: BuiltPrompt,
    schema: Record<string, unknown>,
    deadline: CallDeadline,
  ): Promise<ChatOutcome> {
    const streaming = this.options.stream ?? false;
    const request: ChatRequest = {
      model: this.model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      format: schema,
      keep_alive: this.options.keepAlive ?? '10m',
      options: {
        temperature: 0,
        seed: this.options.seed ?? 42,
        num_predict: this.numPredict,
        num_ctx: this.options.numCtx ?? 4096,
      },
    };
    let skippedLines = 0;
    const client = this.client(deadline.signal, () => (skippedLines += 1));
    const outcome = await this.exchange(client, request, streaming, incidentId, attempt, deadline);
    return skippedLines > 0 ? { ...outcome, skippedLines } : outcome;
  }

  private async exchange(
    client: Ollama,
    request: ChatRequest,
    streaming: boolean,
    incidentId: string,
    attempt: number,
    deadline: CallDeadline,
  ): Promise<ChatOutcome> {
    let content = '';
    try {
      if (!streaming) {
        const response: unknown = await client.chat({ ...request, stream: false });
        if (!isChatResponse(response) || response.done !== true) {
          return { ok: false, failure: { kind: 'malformed_response', reason: `Ollama's answer has an unexpected shape: ${shapeOf(response)}` } };
        }
        return { ok: true, content: response.message.content, doneReason: response.done_reason };
      }
      const stream = await client.chat({ ...request, stream: true });
      const maxChars = this.options.maxAnswerChars ?? 8000;
      let doneReason: string | undefined;
      for await (const part of stream as AsyncIterable<unknown>) {
        if (!isChatResponse(part)) {
          stream.abort();
          return { ok: false, failure: { kind: 'malformed_response', reason: `Ollama streamed an unexpected shape: ${shapeOf(part)}` } };
        }
        content += part.message.content;
        if (part.done) doneReason = part.done_reason;
        this.options.onProgress?.({ incidentId, attempt, chars: content.length, done: part.done === true });
        if (content.length > maxChars) {
          stream.abort();
          return { ok: false, content, failure: { kind: 'unusable_answer', reason: `the answer exceeded ${maxChars} characters` } };
        }
        if (content.length >= WHITESPACE_FLOOD_CHARS && content.slice(-WHITESPACE_FLOOD_CHARS).trim() === '') {
          stream.abort();
          return {
            ok: false,
            content,
            failure: { kind: 'unusable_answer', reason: `the model emitted ${WHITESPACE_FLOOD_CHARS}+ characters of whitespace` },
          };
        }
      }
      return { ok: true, content, doneReason };
    } catch (err) {
      const failure = describeFailure(err, this.failureContext(deadline, streaming, this.timeoutMs));
      return { ok: false, failure, ...(content ? { content } : {}) };
    }
  }

  private client(signal: AbortSignal, onSkippedLine?: (line: string) => void): Ollama {
    // One light client per call: its fetch carries this call's deadline (ollama-js offers no per-call signal).
    return new Ollama({ host: this.host, fetch: ollamaFetch(this.baseFetch, signal, onSkippedLine) });
  }

  private failureContext(deadline: CallDeadline, streaming: boolean, timeoutMs: number) {
    return { host: this.host, model: this.model, timeoutMs, streaming, ...(deadline.kind ? { aborted: deadline.kind } : {}) };
  }

  private fixFor(kind: LlmFailureKind): string | undefined {
    switch (kind) {
      case 'unreachable':
      case 'connection_reset':
        return `start Ollama (\`ollama serve\`) or point the LLM host setting at it (now ${this.host})`;
      case 'model_missing':
        return `run \`ollama pull ${this.model}\``;
      case 'not_ollama':
        return `check the LLM host setting (now ${this.host})`;
      case 'timeout':
      case 'busy':
        return 'Ollama is slow or busy: retry later, or raise the LLM timeout';
      default:
        return undefined;
    }
  }

  private trace(prompt: string, attempts: number, deadline: CallDeadline | undefined, rawAnswer?: string, repairs: readonly string[] = []): LlmTrace {
    return {
      model: this.model,
      prompt,
      ...(rawAnswer !== undefined ? { rawAnswer } : {}),
      repairs: [...repairs],
      ...(deadline ? { latencyMs: Date.now() - deadline.startedAt } : {}),
      cacheHit: false,
      attempts,
    };
  }

  private failed(
    prompt: string,
    reason: string,
    attempts: number,
    deadline?: CallDeadline,
    rawAnswer?: string,
    repairs: readonly string[] = [],
  ): LlmResult {
    return { ok: false, reason, trace: { ...this.trace(prompt, attempts, deadline, rawAnswer, repairs), error: reason } };
  }

  private asCacheHit(result: LlmResult & { ok: true }): LlmResult {
    return { ...result, trace: { ...result.trace, cacheHit: true, attempts: 0, latencyMs: 0 } };
  }
}

function isChatResponse(value: unknown): value is ChatResponse {
  const v = value as { message?: { content?: unknown } } | null;
  return typeof v === 'object' && v !== null && typeof v.message === 'object' && typeof v.message?.content === 'string';
}

function shapeOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? typeof value;
  return `{${Object.keys(value).slice(0, 8).join(', ')}}`;
}
