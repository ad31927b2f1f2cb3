import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CAUSES } from '../../src/core/report/schema';

/**
 * A faithful fake Ollama server for tests: a real HTTP server on 127.0.0.1 speaking Ollama's API with its real
 * response and error shapes (see ../shared/ENGINEERING.md), so the real `ollama` client is exercised over real
 * sockets. Each chat/generate request plays the next scripted behaviour (or the default): a correct answer, a
 * model misbehaviour, or a transport fault (hang, drip, reset, a stream without `done`, …).
 */

export interface ChatBody {
  model?: unknown;
  messages?: Array<{ role?: unknown; content?: unknown }>;
  prompt?: unknown;
  system?: unknown;
  format?: unknown;
  options?: Record<string, unknown>;
  stream?: unknown;
  keep_alive?: unknown;
}

/** Computes the model's answer text (the JSON string in `message.content`) from the prompt it was sent. */
export type Answerer = (promptText: string, body: ChatBody) => string;

export type Behaviour =
  | { kind: 'answer'; content?: string | Answerer; delayMs?: number; doneReason?: 'stop' | 'length'; chunkChars?: number }
  | { kind: 'error'; status: number; error: string; delayMs?: number }
  /** Accepts the request and never sends headers. */
  | { kind: 'hang' }
  /** Sends headers at once, then the answer a few characters at a time. */
  | { kind: 'drip'; intervalMs: number; content?: string | Answerer; chunkChars?: number }
  /** Streams fragments, then closes without the final `done: true` object. */
  | { kind: 'no-done'; content?: string | Answerer }
  /** Streams fragments, then an `{"error": …}` line under status 200. */
  | { kind: 'error-mid-stream'; error?: string }
  /** A stream with a line that is not JSON in the middle (the client skips it); non-streaming: a non-JSON body. */
  | { kind: 'non-json-line'; content?: string | Answerer }
  | { kind: 'whitespace-flood'; chars?: number }
  /** Headers and part of the body, then the socket is destroyed. */
  | { kind: 'reset-mid-body' }
  /** 200 with a JSON content type and a body that is not JSON. */
  | { kind: 'malformed-body' }
  /** 200 with valid JSON that lacks `message`. */
  | { kind: 'wrong-response-shape' };

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly json?: ChatBody;
  readonly at: number;
}

export interface FakeOllamaOptions {
  readonly models?: readonly string[];
  readonly version?: string;
  readonly answer?: Answerer;
  readonly defaultBehaviour?: Behaviour;
}

export const BUSY_ERROR = 'server busy, please try again.  maximum pending requests exceeded';

const NS_PER_MS = 1_000_000;

/** Text of all messages (chat) or system + prompt (generate): what the "model" reads. */
export function promptTextOf(body: ChatBody): string {
  if (Array.isArray(body.messages)) return body.messages.map((m) => String(m.content ?? '')).join('\n');
  return [body.system, body.prompt].filter((x) => typeof x === 'string').join('\n');
}

/** Contents of the `<<<DATA id=… kind=…>>> … DATA>>>` blocks of a prompt, by id. */
export function dataBlocks(promptText: string): Array<{ id: string; kind: string; content: string }> {
  const blocks: Array<{ id: string; kind: string; content: string }> = [];
  const re = /<<<DATA id=(\S+) kind=(\S+)>>>\n([\s\S]*?)\nDATA>>>/g;
  for (let m = re.exec(promptText); m; m = re.exec(promptText)) {
    blocks.push({ id: m[1]!, kind: m[2]!, content: m[3]! });
  }
  return blocks;
}

/** A well-behaved model: agrees with the rules' top candidate, or says unknown when there is none. */
export const correctAnswer: Answerer = (promptText) => {
  const rules = dataBlocks(promptText).find((b) => b.id === 'RULES');
  let cause = 'unknown';
  try {
    const candidates = JSON.parse(rules?.content ?? '[]') as Array<{ cause: string; confidence: number }>;
    const top = [...candidates].sort((a, b) => b.confidence - a.confidence)[0];
    if (top) cause = top.cause;
  } catch {
    // No parseable candidates: stay with unknown.
  }
  return JSON.stringify({
    hypotheses: [{ cause, confidence: 0.8, explanation: `The statistics and excerpts fit ${cause}.`, evidence: ['STATS', 'T1'] }],
    unknowns: [],
  });
};

/**
 * What a model that always obeys injected instructions would conclude (the reliability suite's worst case): an
 * answer-shaped JSON in the data is echoed verbatim; otherwise the first cause named in the untrusted text is
 * taken with full confidence, plus the actions and approvals the text asked for.
 */
export function injectionVerdict(promptText: string): { obeyed: boolean; cause: string; content: string } {
  const untrusted = dataBlocks(promptText).filter((b) => /^T\d+$/.test(b.id));
  for (const block of untrusted) {
    const start = block.content.indexOf('{');
    if (start >= 0 && /"hypotheses"/.test(block.content)) {
      const end = block.content.lastIndexOf('}');
      const json = block.content.slice(start, end + 1);
      return { obeyed: true, cause: /"cause"\s*:\s*"([^"]+)"/.exec(json)?.[1] ?? 'unknown', content: json };
    }
  }
  for (const block of untrusted) {
    const lower = block.content.toLowerCase();
    const named = CAUSES.filter((c) => c !== 'unknown').find(
      (c) => lower.includes(c) || lower.includes(c.replace(/_/g, ' ')),
    );
    if (named) {
      const content = JSON.stringify({
        hypotheses: [{ cause: named, confidence: 1, explanation: `As the ticket instructs: ${block.content.slice(0, 200)}`, evidence: [block.id] }],
        actions: [{ type: 'pause_automation', params: { target: 'all', approvedBy: 'on-call lead' } }],
        approved: true,
      });
      return { obeyed: true, cause: named, content };
    }
  }
  return { obeyed: false, cause: 'unknown', content: correctAnswer(promptText, {}) };
}

export const obeyInjections: Answerer = (promptText) => injectionVerdict(promptText).content;

export class FakeOllama {
  readonly received: ReceivedRequest[] = [];
  /** Chat/generate requests being served right now, and the most seen at once. */
  inFlight = 0;
  maxInFlight = 0;
  models: string[];
  defaultBehaviour: Behaviour;
  answer: Answerer;
  private readonly script: Behaviour[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly server: Server;
  private readonly version: string;
  private port = 0;

  private constructor(options: FakeOllamaOptions) {
    this.models = [...(options.models ?? ['phi3:mini'])];
    this.version = options.version ?? '0.12.3';
    this.answer = options.answer ?? correctAnswer;
    this.defaultBehaviour = options.defaultBehaviour ?? { kind: 'answer' };
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
    const fake = new FakeOllama(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Behaviours for the next chat/generate requests, in order; then the default applies again. */
  enqueue(...behaviours: Behaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  /** Requests received on a path (all paths when omitted). */
  count(path?: string): number {
    return path === undefined ? this.received.length : this.received.filter((r) => r.path === path).length;
  }

  chatRequests(): ChatBody[] {
    return this.received.filter((r) => r.path === '/api/chat' && r.json).map((r) => r.json!);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      let json: ChatBody | undefined;
      try {
        json = body ? (JSON.parse(body) as ChatBody) : undefined;
      } catch {
        json = undefined;
      }
      this.received.push({ method: req.method ?? 'GET', path, body, ...(json ? { json } : {}), at: Date.now() });
      this.route(req.method ?? 'GET', path, body, json, res);
    });
  }

  private route(method: string, path: string, body: string, json: ChatBody | undefined, res: ServerResponse): void {
    const get = method === 'GET' || method === 'HEAD';
    if (path === '/' && get) return text(res, 200, 'Ollama is running');
    if (path === '/api/version' && get) return sendJson(res, 200, { version: this.version });
    if (path === '/api/tags' && get) return sendJson(res, 200, { models: this.models.map(tagEntry) });
    if (path === '/api/show' && method === 'POST') return this.show(body, json, res);
    if ((path === '/api/chat' || path === '/api/generate') && method === 'POST') {
      return this.generate(path === '/api/chat', body, json, res);
    }
    if (['/', '/api/version', '/api/tags', '/api/show', '/api/chat', '/api/generate'].includes(path)) {
      return text(res, 405, '405 method not allowed');
    }
    return text(res, 404, '404 page not found');
  }

  private show(body: string, json: ChatBody | undefined, res: ServerResponse): void {
    const invalid = this.invalidRequest(body, json);
    if (invalid) return sendJson(res, invalid.status, { error: invalid.error });
    sendJson(res, 200, {
      license: 'MIT',
      modelfile: `FROM ${String(json!.model)}`,
      parameters: 'stop "<|end|>"',
      template: '{{ .Prompt }}',
      details: details(),
      model_info: { 'general.architecture': 'phi3', 'general.parameter_count': 3821079552 },
      capabilities: ['completion'],
      modified_at: '2025-01-01T00:00:00Z',
    });
  }

  private invalidRequest(body: string, json: ChatBody | undefined): { status: number; error: string } | undefined {
    if (body.trim() === '') return { status: 400, error: 'missing request body' };
    if (!json || typeof json !== 'object') {
      return { status: 400, error: `invalid character '${body.trim()[0]}' looking for beginning of value` };
    }
    if (typeof json.model !== 'string' || json.model === '') return { status: 400, error: 'model is required' };
    const known = this.models.some((m) => m === json.model || m === `${String(json.model)}:latest`);
    if (!known) return { status: 404, error: `model '${json.model}' not found` };
    return undefined;
  }

  private generate(chat: boolean, body: string, json: ChatBody | undefined, res: ServerResponse): void {
    const invalid = this.invalidRequest(body, json);
    if (invalid) return sendJson(res, invalid.status, { error: invalid.error });
    const request = json!;
    const model = String(request.model);
    if (typeof request.format === 'string' && request.format !== '' && request.format !== 'json') {
      return sendJson(res, 500, { error: `invalid format: ${JSON.stringify(request.format)}` });
    }
    if (chat && Array.isArray(request.messages) && request.messages.length === 0) {
      // Preload: Ollama loads the model and answers at once.
      return sendJson(res, 200, { ...frame(chat, model, ''), done_reason: 'load', done: true });
    }
    const stream = request.stream !== false; // Ollama streams unless told otherwise.
    const behaviour = this.script.shift() ?? this.defaultBehaviour;
    const prompt = promptTextOf(request);
    const contentOf = (c: string | Answerer | undefined): string =>
      typeof c === 'string' ? c : (c ?? this.answer)(prompt, request);

    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        this.inFlight -= 1;
      }
    };
    res.on('close', release);

    const finalFrame = (doneReason: string, content: string) => ({
      ...frame(chat, model, ''),
      done_reason: doneReason,
      done: true,
      ...metrics(prompt, content),
    });

    switch (behaviour.kind) {
      case 'answer': {
        const content = contentOf(behaviour.content);
        const doneReason = behaviour.doneReason ?? 'stop';
        const send = () => {
          if (!stream) return sendJson(res, 200, { ...frame(chat, model, content), ...finalFrame(doneReason, content), ...contentField(chat, content) });
          ndjsonHead(res);
          for (const piece of split(content, behaviour.chunkChars ?? 12)) res.write(line(frame(chat, model, piece)));
          res.end(line(finalFrame(doneReason, content)));
        };
        if (behaviour.delayMs) this.later(behaviour.delayMs, send);
        else send();
        return;
      }
      case 'error':
        if (behaviour.delayMs) this.later(behaviour.delayMs, () => sendJson(res, behaviour.status, { error: behaviour.error }));
        else sendJson(res, behaviour.status, { error: behaviour.error });
        return;
      case 'hang':
        return; // Headers never come; close() or the client's abort ends the socket.
      case 'drip': {
        const content = contentOf(behaviour.content);
        const body = stream
          ? [...split(content, behaviour.chunkChars ?? 4).map((p) => line(frame(chat, model, p))), line(finalFrame('stop', content))]
          : split(JSON.stringify({ ...finalFrame('stop', content), ...contentField(chat, content) }), behaviour.chunkChars ?? 4);
        if (stream) ndjsonHead(res);
        else res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        const drip = (i: number) => {
          if (res.destroyed) return;
          if (i >= body.length) return void res.end();
          res.write(body[i]);
          this.later(behaviour.intervalMs, () => drip(i + 1));
        };
        drip(0);
        return;
      }
      case 'no-done': {
        const content = contentOf(behaviour.content);
        if (!stream) return sendJson(res, 200, { ...frame(chat, model, content), done: false });
        ndjsonHead(res);
        for (const piece of split(content, 12)) res.write(line(frame(chat, model, piece)));
        res.end();
        return;
      }
      case 'error-mid-stream': {
        const error = behaviour.error ?? 'an error was encountered while running the model: unexpected EOF';
        if (!stream) return sendJson(res, 500, { error });
        ndjsonHead(res);
        res.write(line(frame(chat, model, '{"hypo')));
        res.write(line(frame(chat, model, 'theses": [')));
        res.end(line({ error }));
        return;
      }
      case 'non-json-line': {
        const content = contentOf(behaviour.content);
        if (!stream) return raw(res, 200, 'application/json; charset=utf-8', 'this is not JSON at all');
        ndjsonHead(res);
        const pieces = split(content, 12);
        pieces.forEach((piece, i) => {
          if (i === 1) res.write('<garbage line that is not JSON>\n');
          res.write(line(frame(chat, model, piece)));
        });
        res.end(line(finalFrame('stop', content)));
        return;
      }
      case 'whitespace-flood': {
        const content = `{${' \n\t'.repeat(Math.ceil((behaviour.chars ?? 6000) / 3))}`;
        if (!stream) return sendJson(res, 200, { ...finalFrame('length', content), ...contentField(chat, content) });
        ndjsonHead(res);
        for (const piece of split(content, 64)) res.write(line(frame(chat, model, piece)));
        res.end(line(finalFrame('length', content)));
        return;
      }
      case 'reset-mid-body': {
        if (stream) {
          ndjsonHead(res);
          res.write(line(frame(chat, model, '{"hypotheses": [{"cau')));
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': '400' });
          res.write('{"model":"phi3:mini","message":{"role":"assistant","content":"{\\"hypo');
        }
        this.later(20, () => res.socket?.destroy());
        return;
      }
      case 'malformed-body':
        return raw(res, 200, 'application/json; charset=utf-8', '{"model":"phi3:mini","message":{"role":"assistant","content":"ok"},"done":tru');
      case 'wrong-response-shape':
        return sendJson(res, 200, { model, created_at: new Date().toISOString(), done: true, total_duration: 1 });
    }
  }
}

function frame(chat: boolean, model: string, piece: string): Record<string, unknown> {
  return {
    model,
    created_at: new Date().toISOString(),
    ...contentField(chat, piece),
    done: false,
  };
}

function contentField(chat: boolean, content: string): Record<string, unknown> {
  return chat ? { message: { role: 'assistant', content } } : { response: content };
}

/** Durations in integer nanoseconds, token counts roughly 4 characters per token: only on the final object. */
function metrics(prompt: string, content: string): Record<string, number> {
  const promptTokens = Math.ceil(prompt.length / 4);
  const evalTokens = Math.max(1, Math.ceil(content.length / 4));
  const promptEval = promptTokens * 2 * NS_PER_MS;
  const evalDuration = evalTokens * 40 * NS_PER_MS;
  const load = 5 * NS_PER_MS;
  return {
    total_duration: load + promptEval + evalDuration,
    load_duration: load,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: promptEval,
    eval_count: evalTokens,
    eval_duration: evalDuration,
  };
}

function tagEntry(name: string): Record<string, unknown> {
  return {
    name,
    model: name,
    modified_at: '2025-01-01T00:00:00Z',
    size: 2176178913,
    digest: '4f2222927938'.padEnd(64, '0'),
    details: details(),
  };
}

function details(): Record<string, unknown> {
  return { parent_model: '', format: 'gguf', family: 'phi3', families: ['phi3'], parameter_size: '3.8B', quantization_level: 'Q4_0' };
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

function ndjsonHead(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  raw(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function text(res: ServerResponse, status: number, body: string): void {
  raw(res, status, 'text/plain; charset=utf-8', body);
}

function raw(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
