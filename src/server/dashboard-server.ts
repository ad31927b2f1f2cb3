import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { AgentApi } from '../core/loop/agent-api';
import { ApproveBodySchema, describeIssues, RejectBodySchema } from '../shared/dashboard-protocol';
import { createDashboardFeed, type DashboardFeedOptions } from './dashboard-feed';
import { allowedHostHeaders, checkHost, checkSameOrigin, isLoopbackHost, presentedToken, tokenMatches } from './request-guards';
import { browserCsp, renderBrowserShell } from './shell-html';
import { resolveStatic } from './static-files';

/**
 * The browser dashboard of `cosmos run DIR --port 8000`: the same front end as the VS Code webview, served by
 * node:http. Loopback only unless `allowRemote`; every /api route needs the per-run token; cross-origin requests
 * are refused; static files come only from the two asset folders.
 *
 * Routes: `GET /` (shell), `GET /assets/webview/*` (dist/webview), `GET /assets/media/*` (media),
 * `GET /api/state`, `GET /api/incidents/:id`, `GET /api/events` (server-sent events),
 * `POST /api/approvals/:id/approve`, `POST /api/approvals/:id/reject` (`{"reason": "…"}`).
 */
export interface DashboardServerOptions {
  readonly agent: AgentApi;
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1. Anything that is not loopback needs `allowRemote`. */
  readonly host?: string;
  readonly allowRemote?: boolean;
  /** The package root: holds `dist/webview/dashboard.js` and `media/dashboard.css`. */
  readonly assetsDir: string;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Recorded as the approver in the journal. */
  readonly approver?: string;
  /** Fixed token for tests; default 32 random bytes. */
  readonly token?: string;
  readonly maxBodyBytes?: number;
  readonly feed?: DashboardFeedOptions;
}

export interface DashboardServer {
  /** The URL to open, token included (in the fragment). */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

export class BindRefusedError extends Error {}

const MAX_SSE_CLIENTS = 32;
/** A client that lets this much pile up is dropped; it reconnects and refetches the state. */
const MAX_SSE_BACKLOG = 8 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  if (!isLoopbackHost(host)) {
    if (!opts.allowRemote) {
      throw new BindRefusedError(
        `refusing to serve the dashboard on ${host}: it is not a loopback address. Pass --allow-remote to expose it (anyone who can reach it and has the token can approve actions).`,
      );
    }
    log('warn', `The dashboard is exposed on ${host}:${opts.port}, beyond this machine. Anyone with the token can approve actions; the connection is not encrypted.`);
  }
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const maxBody = opts.maxBodyBytes ?? 16 * 1024;
  const approver = opts.approver ?? 'browser dashboard';
  const roots = {
    webview: path.join(opts.assetsDir, 'dist', 'webview'),
    media: path.join(opts.assetsDir, 'media'),
  };
  const feed = createDashboardFeed(opts.agent, opts.feed);
  const clients = new Set<http.ServerResponse>();
  // Known once the port is; until then every Host is refused.
  const hosts: { allowed: Set<string> | undefined } = { allowed: new Set() };

  const send = (res: http.ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, value: unknown): void =>
    send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', { 'Cache-Control': 'no-store' });
  const fail = (res: http.ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, status, JSON.stringify({ error: message }), 'application/json; charset=utf-8', { 'Cache-Control': 'no-store', ...extra });
  };

  const readJsonBody = (req: http.IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        reject(new HttpError(415, 'the body must be application/json'));
        return;
      }
      const declared = Number(req.headers['content-length'] ?? '0');
      if (declared > maxBody) {
        reject(new HttpError(413, `body larger than ${maxBody} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBody) {
          reject(new HttpError(413, `body larger than ${maxBody} bytes`));
          req.removeAllListeners('data');
          req.resume();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (size > maxBody) return;
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve(text.trim() === '' ? {} : JSON.parse(text));
        } catch {
          reject(new HttpError(400, 'the body is not valid JSON'));
        }
      });
      req.on('error', reject);
    });

  const serveShell = (res: http.ServerResponse): void => {
    const nonce = randomBytes(18).toString('base64');
    const html = renderBrowserShell({ nonce, scriptPath: '/assets/webview/dashboard.js', stylePath: '/assets/media/dashboard.css' });
    send(res, 200, html, 'text/html; charset=utf-8', { 'Content-Security-Policy': browserCsp(nonce), 'Cache-Control': 'no-store' });
  };

  const serveStatic = async (res: http.ServerResponse, root: string, rel: string, head: boolean): Promise<void> => {
    const r = await resolveStatic(root, rel);
    if (!r.ok) {
      fail(res, r.status, r.status === 403 ? 'forbidden path' : 'not found');
      return;
    }
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': r.mime, 'Content-Length': String(r.size), 'Cache-Control': 'no-cache' });
    if (head) {
      res.end();
      return;
    }
    createReadStream(r.file).on('error', () => res.destroy()).pipe(res);
  };

  const openEvents = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (clients.size >= MAX_SSE_CLIENTS) {
      fail(res, 503, 'too many dashboard connections');
      return;
    }
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    clients.add(res);
    const snapshotSeq = feed.snapshot().seq;
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ seq: snapshotSeq })}\n\n`);
    const sub = feed.onPatch((patch) => {
      if (res.writableLength > MAX_SSE_BACKLOG) {
        res.destroy();
        return;
      }
      res.write(`event: patch\ndata: ${JSON.stringify(patch)}\n\n`);
    });
    const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    const done = (): void => {
      clearInterval(beat);
      sub.dispose();
      clients.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
  };

  const decision = async (res: http.ServerResponse, req: http.IncomingMessage, approvalId: string, verb: 'approve' | 'reject'): Promise<void> => {
    const body = await readJsonBody(req);
    const known = opts.agent.approvals().find((a) => a.id === approvalId);
    let result;
    if (verb === 'approve') {
      const parsed = ApproveBodySchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
      if (!known) throw new HttpError(404, 'no such approval');
      result = await opts.agent.approve(approvalId, approver);
    } else {
      const parsed = RejectBodySchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
      if (!known) throw new HttpError(404, 'no such approval');
      result = await opts.agent.reject(approvalId, approver, parsed.data.reason.trim() || 'rejected from the browser dashboard');
    }
    log('info', `dashboard: ${verb} ${approvalId} → ${result.ok ? 'ok' : 'refused'}: ${result.message}`);
    json(res, result.ok ? 200 : 409, { ok: result.ok, message: result.message });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const rawPath = rawUrl.split('?')[0]!.split('#')[0]!;
    const method = req.method ?? 'GET';

    const hostProblem = checkHost(req, hosts.allowed);
    if (hostProblem) return fail(res, 403, hostProblem);
    const originProblem = checkSameOrigin(req);
    if (originProblem) return fail(res, 403, originProblem);

    if (rawPath.startsWith('/api/')) {
      if (!tokenMatches(presentedToken(req), token)) {
        return fail(res, 401, 'missing or wrong token: open the URL printed by `cosmos run`', { 'WWW-Authenticate': 'Bearer' });
      }
      const parts = rawPath.split('/').slice(2); // after '', 'api'
      if (method === 'GET' && parts.length === 1 && parts[0] === 'state') return json(res, 200, feed.snapshot());
      if (method === 'GET' && parts.length === 1 && parts[0] === 'events') return openEvents(req, res);
      if (method === 'GET' && parts.length === 2 && parts[0] === 'incidents') {
        const id = decodeSegment(parts[1]!);
        const detail = feed.detail(id);
        if (!detail.incident) return fail(res, 404, 'no such incident');
        return json(res, 200, detail);
      }
      if (parts.length === 3 && parts[0] === 'approvals' && (parts[2] === 'approve' || parts[2] === 'reject')) {
        if (method !== 'POST') return fail(res, 405, 'use POST', { Allow: 'POST' });
        return decision(res, req, decodeSegment(parts[1]!), parts[2]);
      }
      return fail(res, 404, 'no such API route');
    }

    if (method !== 'GET' && method !== 'HEAD') return fail(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    if (rawPath === '/' || rawPath === '/index.html') return serveShell(res);
    if (rawPath.startsWith('/assets/webview/')) return serveStatic(res, roots.webview, rawPath.slice('/assets/webview/'.length), method === 'HEAD');
    if (rawPath.startsWith('/assets/media/')) return serveStatic(res, roots.media, rawPath.slice('/assets/media/'.length), method === 'HEAD');
    return fail(res, 404, 'not found');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        fail(res, err.status, err.message, err.status === 413 ? { Connection: 'close' } : {});
      } else {
        log('error', `dashboard: ${err instanceof Error ? err.message : String(err)}`);
        fail(res, 500, 'internal error');
      }
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts.allowed = allowedHostHeaders(host, port);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: async () => {
      feed.dispose();
      for (const c of clients) c.destroy();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'bad percent-encoding in the path');
  }
}
