import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeEffects } from '../../src/adapters/node/node-effects';
import { makeConfig, type CosmosConfig } from '../../src/core/config/config';
import type { EffectsPort, HttpResult } from '../../src/core/ports/effects';

/** The directory one approvals/actions crash series runs in, shared by the parent and its children. */
export interface World {
  readonly dir: string;
  readonly journalPath: string;
  readonly outDir: string;
  /** One line per file write that reached the disk call, `key path`: counts file effects at the target. */
  readonly effectsLog: string;
  readonly config: CosmosConfig;
}

export const APPROVAL_TTL_MS = 60_000;

export function world(dir: string, serverUrl: string): World {
  const outDir = join(dir, 'out');
  return {
    dir,
    journalPath: join(dir, 'state', 'journal.ndjson'),
    outDir,
    effectsLog: join(dir, 'effects.log'),
    config: makeConfig({
      act: { outDir, webhookUrl: `${serverUrl}/hook`, escalationUrl: `${serverUrl}/escalate`, httpTimeoutMs: 200 },
      decide: { approvalTtlMs: APPROVAL_TTL_MS },
    }),
  };
}

/**
 * Real NodeEffects, plus a log line written (O_APPEND, one write) just before every file write that
 * the target did not already have. Logging before the write over-counts a write a kill interrupted,
 * never under-counts one: a double execution can only show up, not hide.
 */
export class CountingEffects implements EffectsPort {
  private readonly inner: NodeEffects;

  constructor(private readonly w: World) {
    this.inner = new NodeEffects(w.outDir);
  }

  async writeFile(relPath: string, content: string, key: string): Promise<string> {
    if (!(await this.inner.hasFile(relPath, key))) appendFileSync(this.w.effectsLog, `${key} ${relPath}\n`);
    return this.inner.writeFile(relPath, content, key);
  }

  hasFile(relPath: string, key: string): Promise<boolean> {
    return this.inner.hasFile(relPath, key);
  }

  postJson(url: string, body: unknown, key: string, timeoutMs: number): Promise<HttpResult> {
    return this.inner.postJson(url, body, key, timeoutMs);
  }
}
