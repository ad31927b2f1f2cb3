import { createServer, type Server } from 'node:http';

/**
 * Counts every HTTP request that reaches it. Used as the LLM host (and as a would-be exfiltration target
 * named in the workspace's own settings) to prove who calls what: in Restricted Mode it must stay at 0.
 * It answers the version/tags probes like Ollama and refuses `/api/chat` with a 500, so a trusted run
 * falls back to the deterministic result deterministically.
 */
export class RequestCounter {
  readonly requests: string[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      req.resume();
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/version') return res.end(JSON.stringify({ version: '0.12.3' }));
      if (req.url === '/api/tags') {
        return res.end(JSON.stringify({ models: [{ name: 'phi3:mini', model: 'phi3:mini', size: 1, digest: 'x', modified_at: new Date().toISOString(), details: {} }] }));
      }
      if (req.url === '/api/show') return res.end(JSON.stringify({ modelfile: '', parameters: '', template: '', details: {} }));
      res.statusCode = 500;
      res.end(JSON.stringify({ error: 'e2e counter: no model behind this server' }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
