/**
 * Side effects of actions. Both operations carry the idempotency key so that a crash between the
 * effect and its `done` record can be resolved by asking the target, never by running it again.
 */
export interface HttpResult {
  readonly status: number;
  readonly body: string;
}

export interface EffectsPort {
  /** Writes `content` to `relPath` under the output folder; returns the absolute path. */
  writeFile(relPath: string, content: string, idempotencyKey: string): Promise<string>;
  /** Whether an effect with this key already reached its target (file exists with the key marker). */
  hasFile(relPath: string, idempotencyKey: string): Promise<boolean>;
  postJson(url: string, body: unknown, idempotencyKey: string, timeoutMs: number): Promise<HttpResult>;
}
