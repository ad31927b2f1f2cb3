/**
 * One deadline per LLM call, combining the timeout, the caller's signal (the loop stopping) and the adapter's
 * dispose. ollama-js cannot abort a non-streaming call by itself, so the signal is injected through a custom
 * `fetch`; `kind` records which of the three fired so the reason shown to the user is the true one.
 */

export type AbortKind = 'timeout' | 'cancelled' | 'disposed';

export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly unlisten: Array<() => void> = [];
  private firedKind: AbortKind | undefined;
  readonly startedAt = Date.now();

  constructor(
    readonly timeoutMs: number,
    sources: ReadonlyArray<{ readonly signal: AbortSignal | undefined; readonly kind: Exclude<AbortKind, 'timeout'> }>,
  ) {
    this.timer = setTimeout(
      () => this.fire('timeout', new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    for (const { signal, kind } of sources) {
      if (!signal) continue;
      if (signal.aborted) {
        this.fire(kind, new DOMException(kind, 'AbortError'));
        continue;
      }
      const onAbort = () => this.fire(kind, new DOMException(kind, 'AbortError'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.unlisten.push(() => signal.removeEventListener('abort', onAbort));
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Which source ended the call, if any did. */
  get kind(): AbortKind | undefined {
    return this.firedKind;
  }

  get remainingMs(): number {
    return Math.max(0, this.startedAt + this.timeoutMs - Date.now());
  }

  private fire(kind: AbortKind, reason: DOMException): void {
    if (this.firedKind) return;
    this.firedKind = kind;
    this.controller.abort(reason);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const off of this.unlisten.splice(0)) off();
  }
}

/** A fetch that also obeys `signal`, keeping any signal the client passes itself (ollama-js does for streams). */
export function fetchWithSignal(base: typeof fetch, signal: AbortSignal): typeof fetch {
  return (input, init) =>
    base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}
