import { promises as fsp } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { displayUrl } from '../../core/act/http-target';
import type { EffectsPort, HttpResult } from '../../core/ports/effects';
import { fsyncDir } from './file-journal';

/** First line of every file an action writes: lets recovery ask the target whether an effect landed. */
export function keyMarker(idempotencyKey: string): string {
  return `<!-- cosmos-idempotency-key: ${idempotencyKey} -->`;
}

const MAX_RESPONSE_CHARS = 2000;
let tmpCounter = 0;

export interface NodeEffectsOptions {
  /** Injected for tests; defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Sent as `Authorization: Bearer …` on POSTs (the extension keeps it in SecretStorage, never in settings). */
  readonly bearerToken?: string;
}

/**
 * Effects on the local disk (under the output folder only) and over HTTP. Files are written atomically
 * (temp + fsync + rename), so a file at its path is always complete, and a file already carrying the
 * same key is never written again. POSTs carry the key as `Idempotency-Key`, time out, never follow
 * redirects, and fail with a sentence that names the host and the reason (not the URL's secret path).
 */
export class NodeEffects implements EffectsPort {
  private readonly root: string;
  private readonly fetchImpl: typeof fetch;
  private readonly bearerToken: string | undefined;

  constructor(outDir: string, options: NodeEffectsOptions = {}) {
    this.root = resolve(outDir);
    this.fetchImpl = options.fetch ?? fetch;
    this.bearerToken = options.bearerToken;
  }

  async writeFile(relPath: string, content: string, idempotencyKey: string): Promise<string> {
    const target = this.resolveInside(relPath);
    if (await this.hasFile(relPath, idempotencyKey)) return target;
    await fsp.mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${++tmpCounter}.tmp`;
    const h = await fsp.open(tmp, 'w');
    try {
      await h.writeFile(`${keyMarker(idempotencyKey)}\n${content}`, 'utf8');
      await h.sync();
    } finally {
      await h.close();
    }
    await fsp.rename(tmp, target);
    await fsyncDir(dirname(target));
    return target;
  }

  async hasFile(relPath: string, idempotencyKey: string): Promise<boolean> {
    const target = this.resolveInside(relPath);
    const marker = keyMarker(idempotencyKey);
    let h: fsp.FileHandle | undefined;
    try {
      h = await fsp.open(target, 'r');
      const buf = Buffer.alloc(Buffer.byteLength(marker) + 1);
      const { bytesRead } = await h.read(buf, 0, buf.length, 0);
      return buf.toString('utf8', 0, bytesRead) === `${marker}\n`;
    } catch {
      return false;
    } finally {
      await h?.close();
    }
  }

  async postJson(url: string, body: unknown, idempotencyKey: string, timeoutMs: number): Promise<HttpResult> {
    const shown = displayUrl(url);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`POST refused: ${shown} is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`POST refused: only http and https URLs are allowed, not ${parsed.protocol}`);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await this.fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          'user-agent': 'cosmos',
          ...(this.bearerToken && { authorization: `Bearer ${this.bearerToken}` }),
        },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal,
      });
      const text = await res.text();
      return { status: res.status, body: text.slice(0, MAX_RESPONSE_CHARS) };
    } catch (err) {
      throw new Error(`POST ${shown} failed: ${httpErrorReason(err, timeoutMs)}`);
    }
  }

  private resolveInside(relPath: string): string {
    if (isAbsolute(relPath) || relPath.split(/[\\/]/).some((s) => s === '..')) {
      throw new Error(`refused to write outside the output folder: ${JSON.stringify(relPath)}`);
    }
    const target = join(this.root, relPath);
    const rel = relative(this.root, target);
    if (rel === '' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new Error(`refused to write outside the output folder: ${JSON.stringify(relPath)}`);
    return target;
  }
}

function httpErrorReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms (timed out)`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (nothing listening)';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset by the server';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code) return `${e.cause?.message ?? 'network error'} (${code})`;
  return e?.message ?? String(err);
}
