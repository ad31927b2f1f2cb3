import { fetchWithSignal } from './call-deadline';

/**
 * The fetch handed to ollama-js for one call. Besides the call's deadline signal it tidies two spots where the
 * client writes to the console (which would garble CLI output): a non-JSON error body (ollama-js logs "Getting
 * text from response") is re-wrapped as Ollama's own `{"error": …}`, and NDJSON lines that are not JSON (the
 * client `console.warn`s and skips them) are dropped here and counted instead.
 */
export function ollamaFetch(base: typeof fetch, signal: AbortSignal, onSkippedLine?: (line: string) => void): typeof fetch {
  const withSignal = fetchWithSignal(base, signal);
  return async (input, init) => {
    const response = await withSignal(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok && !type.includes('application/json')) {
      const text = (await response.text()).trim() || `${response.status} ${response.statusText}`;
      return new Response(JSON.stringify({ error: text }), {
        status: response.status,
        statusText: response.statusText,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
    }
    // ollama-js reads a streamed answer line by line whatever its content type, so filter by what was asked.
    if (response.ok && response.body && (type.includes('application/x-ndjson') || asksForStream(init))) {
      const body = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(dropNonJsonLines(onSkippedLine)).pipeThrough(new TextEncoderStream());
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    return response;
  };
}

/** A line longer than this is not an Ollama message; refusing it keeps memory bounded. */
const MAX_LINE_CHARS = 1_000_000;

function asksForStream(init: RequestInit | undefined): boolean {
  if (typeof init?.body !== 'string') return false;
  try {
    return (JSON.parse(init.body) as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}

function dropNonJsonLines(onSkipped?: (line: string) => void): TransformStream<string, string> {
  let pending = '';
  const emit = (line: string, controller: TransformStreamDefaultController<string>) => {
    if (line.trim() === '') return;
    try {
      JSON.parse(line);
      controller.enqueue(`${line}\n`);
    } catch {
      onSkipped?.(line.slice(0, 200));
    }
  };
  return new TransformStream<string, string>({
    transform(chunk, controller) {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line, controller);
      if (pending.length > MAX_LINE_CHARS) controller.error(new Error(`a streamed line exceeded ${MAX_LINE_CHARS} characters`));
    },
    flush(controller) {
      emit(pending, controller);
    },
  });
}
