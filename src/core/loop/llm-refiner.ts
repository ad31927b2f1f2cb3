import type { CosmosConfig } from '../config/config';
import type { LlmPort, LlmRequest, LlmResult } from '../ports/llm';
import { mergeLlm, type MergedOutcome } from '../reason/llm/merge';
import { renderPrompt } from '../reason/llm/prompt';
import { CAUSES, type Incident } from '../report/schema';

/** Ticket excerpts sent per incident; the adapter redacts, truncates and fences each one. */
const MAX_EXCERPTS = 8;

interface Answer {
  readonly prompt: string;
  readonly result: LlmResult;
}

/**
 * Escalates ambiguous incidents to the LLM without ever holding up the loop: `refine()` returns the last
 * answer merged with the current deterministic result (if any) and starts a call in the background when
 * the prompt changed. When the call settles, `onAnswer(incidentId)` lets the agent re-decide.
 */
export class LlmRefiner {
  private enabled = false;
  private readonly answers = new Map<string, Answer>();
  private readonly inflight = new Map<string, { prompt: string; abort: AbortController; done: Promise<void> }>();
  private readonly escalated = new Map<string, string[]>();
  private disposed = false;

  constructor(
    private readonly llm: LlmPort,
    private readonly config: CosmosConfig,
    private readonly textOf: (recordId: string) => string | undefined,
    private readonly onAnswer: (incidentId: string) => void,
  ) {}

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  /** Incidents sent (or that would be sent) to the LLM and why. */
  escalations(): { incidentId: string; reasons: string[] }[] {
    return [...this.escalated.entries()].map(([incidentId, reasons]) => ({ incidentId, reasons }));
  }

  /**
   * For an ambiguous incident: the merged result of the latest answer, or undefined while none exists.
   * Starts a call when the LLM is enabled and this prompt has not been answered or asked yet.
   */
  refine(incident: Incident): MergedOutcome | undefined {
    if (!incident.ambiguity?.ambiguous) {
      this.escalated.delete(incident.id);
      return undefined;
    }
    this.escalated.set(incident.id, [...incident.ambiguity.reasons]);
    if (!this.enabled || this.disposed) return undefined;
    const request = this.requestFor(incident);
    const prompt = this.llm.renderPrompt(request);
    const answer = this.answers.get(incident.id);
    if (answer?.prompt !== prompt && this.inflight.get(incident.id)?.prompt !== prompt) this.call(incident.id, request, prompt);
    return answer ? mergeLlm(deterministicOf(incident), answer.result, this.config) : undefined;
  }

  /** What was or would be sent; the core's renderer stands in when no LLM adapter is configured. */
  renderPrompt(incident: Incident): string {
    const request = this.requestFor(incident);
    return this.llm.renderPrompt(request) || renderPrompt(request);
  }

  /** Waits for the calls in flight; after `deadlineMs` the rest are aborted and recorded as failed. */
  async drain(deadlineMs: number): Promise<void> {
    const started = Date.now();
    while (this.inflight.size > 0) {
      const remaining = deadlineMs - (Date.now() - started);
      if (remaining <= 0) {
        this.cancelAll();
        await Promise.all([...this.inflight.values()].map((c) => c.done));
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all([...this.inflight.values()].map((c) => c.done)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining))),
      ]);
      if (timer) clearTimeout(timer);
    }
  }

  cancelAll(): void {
    for (const c of this.inflight.values()) c.abort.abort();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelAll();
  }

  private call(incidentId: string, request: LlmRequest, prompt: string): void {
    this.inflight.get(incidentId)?.abort.abort();
    const abort = new AbortController();
    const done = this.llm
      .diagnose(request, abort.signal)
      .catch(
        (err: unknown): LlmResult => ({
          ok: false,
          reason: `LLM call failed: ${err instanceof Error ? err.message : String(err)}`,
          trace: { model: this.config.llm.model, prompt, repairs: [], cacheHit: false, attempts: 1 },
        }),
      )
      .then((result) => {
        const current = this.inflight.get(incidentId);
        if (current?.abort === abort) this.inflight.delete(incidentId);
        if (this.disposed) return;
        const aborted = abort.signal.aborted && !result.ok;
        this.answers.set(incidentId, {
          prompt,
          result: aborted && !result.reason ? { ...result, reason: 'LLM call cancelled' } : result,
        });
        this.onAnswer(incidentId);
      });
    this.inflight.set(incidentId, { prompt, abort, done });
  }

  private requestFor(incident: Incident): LlmRequest {
    const excerpts: string[] = [];
    for (const e of incident.evidence) {
      if (e.kind !== 'ticket' || excerpts.length >= MAX_EXCERPTS) continue;
      const text = this.textOf(e.recordId);
      // No record ids or times: a recurrence with the same content renders the same prompt and hits the cache.
      if (text) excerpts.push(`${e.merchantId}, ${e.code}: ${text}`);
    }
    // Only what Observe and the rules produced goes into the prompt, so an answer never changes its own prompt.
    const rules = (incident.hypotheses ?? []).filter((h) => h.source.kind === 'rule');
    const { cause: _c, confidence: _f, reasoningMode: _m, llm: _l, decision: _d, ...observed } = incident;
    return {
      incident: { ...observed, hypotheses: rules },
      candidates: rules,
      reasons: incident.ambiguity?.reasons ?? [],
      excerpts,
      allowedCauses: CAUSES,
      // Wider blast radius first: platform incidents are answered before single-merchant ones.
      priority: (incident.scope === 'platform' ? 2000 : incident.scope === 'multi_merchant' ? 1000 : 0) + incident.features.eventCount,
    };
  }
}

function deterministicOf(incident: Incident) {
  const hypotheses = (incident.hypotheses ?? []).filter((h) => h.source.kind === 'rule');
  return {
    cause: incident.ambiguity?.ambiguous ? ('unknown' as const) : (incident.cause ?? 'unknown'),
    confidence: hypotheses[0]?.confidence ?? 0,
    hypotheses,
    ambiguity: incident.ambiguity,
  };
}
