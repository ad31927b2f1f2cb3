import { systemClock, type Clock } from '../../core/ports/clock';

/**
 * Stops calling a server that keeps failing (Ollama hangs after many requests, or is simply not running) and
 * probes it again after a cool-down: one probe at a time while half-open, closed again on its success.
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly threshold?: number;
  /** How long the circuit stays open before one probe is let through. */
  readonly cooldownMs?: number;
  readonly clock?: Clock;
}

export class CircuitBreaker {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly clock: Clock;
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';
  private lastReason = '';

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.threshold ?? 3;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.clock = options.clock ?? systemClock;
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.clock.now() - this.openedAt >= this.cooldownMs) return 'half_open';
    return this.current;
  }

  /** Asks to make a call. While open it answers with the reason to show instead. */
  acquire(): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    const blocked = this.blockedReason();
    if (blocked) return { ok: false, reason: blocked };
    if (this.state === 'half_open') {
      this.current = 'half_open';
      this.probing = true;
    }
    return { ok: true };
  }

  /** Why a call would be refused right now, without taking the probe slot; undefined when it would pass. */
  blockedReason(): string | undefined {
    const state = this.state;
    if (state === 'closed' || (state === 'half_open' && !this.probing)) return undefined;
    const waitMs = Math.max(0, this.openedAt + this.cooldownMs - this.clock.now());
    const next = state === 'half_open' ? 'a probe is in flight' : `next probe in ${Math.ceil(waitMs / 1000)} s`;
    return `circuit open: ${this.failures} consecutive failures, last: ${this.lastReason}; ${next}`;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.current = 'closed';
  }

  failure(reason: string): void {
    this.failures += 1;
    this.lastReason = reason;
    if (this.probing || this.failures >= this.threshold) {
      this.current = 'open';
      this.openedAt = this.clock.now();
    }
    this.probing = false;
  }

  /** The call ended without telling anything about the server (cancelled): free the probe slot. */
  release(): void {
    this.probing = false;
  }
}
