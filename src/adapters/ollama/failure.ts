import type { AbortKind } from './call-deadline';

/**
 * Every way a call to Ollama ends badly, as one typed, user-readable reason. The sentence says what happened
 * and, where there is one, the fix ("run `ollama pull phi3:mini`"). Shapes are those documented in
 * ../shared/ENGINEERING.md (ollama-js 0.6 over Node 20's fetch).
 */

export type LlmFailureKind =
  | 'timeout'
  | 'cancelled'
  | 'disposed'
  | 'unreachable'
  | 'connection_reset'
  | 'model_missing'
  | 'not_ollama'
  | 'bad_request'
  | 'server_error'
  | 'busy'
  | 'http_error'
  | 'stream_incomplete'
  | 'stream_error'
  | 'malformed_response'
  | 'circuit_open'
  | 'queue_full'
  | 'unusable_answer';

export interface LlmFailure {
  readonly kind: LlmFailureKind;
  readonly reason: string;
}

export interface FailureContext {
  readonly host: string;
  readonly model: string;
  readonly timeoutMs: number;
  /** Which abort source fired, if any: it outranks whatever error the abort surfaced as. */
  readonly aborted?: AbortKind;
  readonly streaming: boolean;
}

/** Failures that say something about the server's health; the circuit breaker counts only these. */
export function countsAgainstServer(kind: LlmFailureKind): boolean {
  return !['cancelled', 'disposed', 'circuit_open', 'queue_full', 'unusable_answer', 'bad_request'].includes(kind);
}

const STREAM_NOT_DONE = 'Did not receive done or success response in stream.';

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown } | undefined)?.cause as
    | { code?: unknown; errors?: Array<{ code?: unknown }> }
    | undefined;
  if (!cause) return undefined;
  if (typeof cause.code === 'string') return cause.code;
  const first = cause.errors?.find((e) => typeof e.code === 'string');
  return typeof first?.code === 'string' ? first.code : undefined;
}

const one = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, 300);

export function describeFailure(err: unknown, ctx: FailureContext): LlmFailure {
  const { host, model } = ctx;
  if (ctx.aborted === 'timeout') {
    return { kind: 'timeout', reason: `timed out after ${ctx.timeoutMs} ms waiting for ${model} at ${host}` };
  }
  if (ctx.aborted === 'cancelled') return { kind: 'cancelled', reason: 'cancelled: the loop stopped or withdrew the request' };
  if (ctx.aborted === 'disposed') return { kind: 'disposed', reason: 'LLM client disposed' };

  const e = err as { name?: unknown; message?: unknown; status_code?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);

  if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
    const status = e.status_code;
    const text = one(message);
    if (status === 404 && /page not found/i.test(text)) {
      return { kind: 'not_ollama', reason: `${host} answered 404 "${text}" — is it an Ollama server? Check the LLM host setting` };
    }
    if (status === 404 && /not found/i.test(text)) {
      return { kind: 'model_missing', reason: `model ${model} is not pulled at ${host} — run \`ollama pull ${model}\`` };
    }
    if (status === 400) return { kind: 'bad_request', reason: `Ollama rejected the request (400): ${text}` };
    if (status === 503) return { kind: 'busy', reason: `Ollama is busy (503): ${text}` };
    if (status >= 500) return { kind: 'server_error', reason: `Ollama failed (${status}): ${text}` };
    return { kind: 'http_error', reason: `Ollama answered ${status}: ${text}` };
  }

  const code = causeCode(err);
  if (code === 'ECONNREFUSED') {
    return { kind: 'unreachable', reason: `Ollama is not running at ${host} (connection refused) — start it with \`ollama serve\`` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { kind: 'unreachable', reason: `cannot resolve the Ollama host ${host} (${code})` };
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { kind: 'timeout', reason: `Ollama at ${host} sent nothing for 300 s (Node fetch's own limit, ${code})` };
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || message === 'terminated') {
    return { kind: 'connection_reset', reason: `the connection to Ollama at ${host} was closed mid-response` };
  }
  if (message === STREAM_NOT_DONE) {
    return { kind: 'stream_incomplete', reason: `Ollama's stream ended without a final "done" message` };
  }
  if (e?.name === 'SyntaxError') {
    return { kind: 'malformed_response', reason: `Ollama sent a response that is not valid JSON (${one(message)})` };
  }
  if (err instanceof TypeError && message === 'fetch failed') {
    return { kind: 'unreachable', reason: `cannot reach Ollama at ${host}${code ? ` (${code})` : ''}` };
  }
  if (ctx.streaming) {
    // ollama-js turns a `{"error": …}` line of a 200 stream into a plain Error with that text.
    return { kind: 'stream_error', reason: `Ollama reported an error mid-stream: ${one(message)}` };
  }
  return { kind: 'http_error', reason: `unexpected failure talking to Ollama at ${host}: ${one(message)}` };
}
