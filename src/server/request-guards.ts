import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Request checks of the browser dashboard server. Each returns why a request is refused, or undefined.
 * Host: defeats DNS rebinding (a hostile page whose name resolves to 127.0.0.1 still sends its own Host).
 * Origin / Sec-Fetch-Site: refuse requests a page on another origin makes with the user's browser.
 * Token: every /api request carries the per-run token (header, never a cookie, so it is never sent by a third party).
 */

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Host header values the server answers to. `undefined` means any (a wildcard bind with allowRemote). */
export function allowedHostHeaders(bindHost: string, port: number): Set<string> | undefined {
  if (bindHost === '0.0.0.0' || bindHost === '::') return undefined;
  const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  names.add(`${bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost}:${port}`.toLowerCase());
  return names;
}

export function checkHost(req: IncomingMessage, allowed: Set<string> | undefined): string | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!host) return 'missing Host header';
  if (allowed && !allowed.has(host)) return `unexpected Host ${JSON.stringify(host.slice(0, 100))}`;
  return undefined;
}

export function checkSameOrigin(req: IncomingMessage): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `cross-site request (Sec-Fetch-Site: ${site.slice(0, 20)})`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const expected = `http://${(req.headers.host ?? '').toLowerCase()}`;
    if (origin.toLowerCase() !== expected) return `cross-origin request from ${JSON.stringify(origin.slice(0, 100))}`;
  }
  return undefined;
}

export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const header = req.headers['x-cosmos-token'];
  if (typeof header === 'string') return header.trim();
  return undefined;
}

export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
