import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Maps a request path under a URL prefix to a file inside one folder, or refuses. The check works on the raw,
 * still-encoded path: encoded slashes, backslashes, NUL and any `.`/`..` segment (plain or percent-encoded) are
 * refused before decoding, then the resolved real path must still be inside the folder (symlinks included).
 */
const MIME: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export type StaticResolution = { ok: true; file: string; mime: string; size: number } | { ok: false; status: 400 | 403 | 404 };

export function staticSegments(rawPath: string): string[] | undefined {
  if (/%2f|%5c|%00|\\|\0/i.test(rawPath)) return undefined;
  const segments = rawPath.split('/').filter((s) => s.length > 0);
  const out: string[] = [];
  for (const raw of segments) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (seg === '.' || seg === '..' || seg.includes('/') || seg.includes('\\') || seg.includes('\0')) return undefined;
    // Dot-files (and anything hidden) are never assets.
    if (seg.startsWith('.')) return undefined;
    out.push(seg);
  }
  return out;
}

export async function resolveStatic(root: string, rawRelative: string): Promise<StaticResolution> {
  const segments = staticSegments(rawRelative);
  if (!segments) return { ok: false, status: 403 };
  if (segments.length === 0) return { ok: false, status: 404 };
  const mime = MIME[path.extname(segments[segments.length - 1]!).toLowerCase()];
  if (!mime) return { ok: false, status: 404 };
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(path.join(realRoot, ...segments));
  } catch {
    return { ok: false, status: 404 };
  }
  if (!real.startsWith(realRoot + path.sep)) return { ok: false, status: 403 };
  try {
    const s = await stat(real);
    if (!s.isFile()) return { ok: false, status: 404 };
    return { ok: true, file: real, mime, size: s.size };
  } catch {
    return { ok: false, status: 404 };
  }
}
