import type { Cause, Hypothesis, Incident, LlmTrace } from '../report/schema';

/**
 * The LLM as the core sees it. The Ollama adapter (src/adapters/ollama) implements it; the core ships
 * `noLlm`, which is what runs when the LLM is off, unhealthy or absent. Implementations never throw:
 * every failure comes back as `{ ok: false, reason }` so the loop can fall back deterministically.
 */
export interface LlmHealth {
  readonly ok: boolean;
  /** One line for the user, e.g. "Ollama 0.12.3 at http://127.0.0.1:11434, model phi3:mini ready". */
  readonly status: string;
  /** What to do when not ok, e.g. "run `ollama pull phi3:mini`". */
  readonly fix?: string;
}

export interface LlmRequest {
  readonly incident: Incident;
  /** Deterministic candidates the model is asked to weigh. */
  readonly candidates: readonly Hypothesis[];
  readonly reasons: readonly string[];
  /** Untrusted ticket/event excerpts (the adapter redacts, truncates and fences them). */
  readonly excerpts: readonly string[];
  readonly allowedCauses: readonly Cause[];
  /** Higher runs first when calls are queued. */
  readonly priority: number;
}

export type LlmResult =
  | { readonly ok: true; readonly hypotheses: readonly Hypothesis[]; readonly trace: LlmTrace }
  | { readonly ok: false; readonly reason: string; readonly trace: LlmTrace };

export interface LlmPort {
  readonly name: string;
  health(signal?: AbortSignal): Promise<LlmHealth>;
  diagnose(request: LlmRequest, signal?: AbortSignal): Promise<LlmResult>;
  /** Renders exactly what would be sent, without sending it (`cosmos explain --prompt`). */
  renderPrompt(request: LlmRequest): string;
  dispose(): void;
}

/** The "no LLM" implementation: ambiguous incidents stay deterministic. */
export const noLlm: LlmPort = {
  name: 'none',
  health: async () => ({ ok: false, status: 'LLM disabled' }),
  diagnose: async () => ({
    ok: false,
    reason: 'LLM disabled',
    trace: { model: 'none', prompt: '', repairs: [], cacheHit: false, attempts: 0 },
  }),
  renderPrompt: () => '',
  dispose: () => undefined,
};

/** One line for the user: the status, then the fix when there is one (said once, replacing the status's own advice). */
export function describeHealth(h: LlmHealth): string {
  return h.fix ? `${h.status.split(' — ')[0]} — ${h.fix}` : h.status;
}
