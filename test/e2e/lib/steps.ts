import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log';

export interface StepResult {
  readonly suite: string;
  readonly step: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly detail?: string;
}

/**
 * Runs named steps in order; the first failure stops the suite (later steps depend on it), is screenshotted
 * by the caller's `onFailure`, and is reported with the rest in artifacts/summary.json.
 */
export class Steps {
  readonly results: StepResult[] = [];

  constructor(
    private readonly suite: string,
    private readonly onFailure: (step: string) => Promise<unknown>,
  ) {}

  async run(step: string, body: () => Promise<string | void>): Promise<void> {
    const t = Date.now();
    say(`${this.suite}: ${step}`);
    try {
      const detail = await body();
      this.results.push({ suite: this.suite, step, ok: true, seconds: (Date.now() - t) / 1000, ...(detail ? { detail } : {}) });
      if (detail) say(`  ✓ ${detail}`);
    } catch (err) {
      const detail = err instanceof Error ? err.message.split('\n').slice(0, 6).join('\n') : String(err);
      this.results.push({ suite: this.suite, step, ok: false, seconds: (Date.now() - t) / 1000, detail });
      say(`  ✗ ${detail}`);
      await this.onFailure(step).catch(() => undefined);
      throw new StepFailed(`${this.suite}: "${step}" failed: ${detail}`);
    }
  }
}

export class StepFailed extends Error {}

export function writeSummary(artifacts: string, results: readonly StepResult[], extra: Record<string, unknown>): void {
  writeFileSync(join(artifacts, 'summary.json'), JSON.stringify({ results, ...extra }, null, 2));
}

export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Polls `probe` until it returns a truthy value or the timeout passes. */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : String(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
