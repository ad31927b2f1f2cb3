import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = 'ok' | 'hang' | { status: number; body?: string };

/** A local receiver on 127.0.0.1 that counts requests per Idempotency-Key. */
export class TestServer {
  behaviour: Behaviour = 'ok';
  readonly requests: { key: string | undefined; body: unknown }[] = [];
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook/SECRET`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const key = req.headers['idempotency-key'];
    this.requests.push({ key: typeof key === 'string' ? key : undefined, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
    const b = this.behaviour;
    if (b === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (b === 'ok') {
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    res.writeHead(b.status).end(b.body ?? '');
  }

  count(key: string): number {
    return this.requests.filter((r) => r.key === key).length;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
