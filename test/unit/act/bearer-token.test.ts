import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeEffects } from '../../../src/adapters/node/node-effects';

describe('NodeEffects bearer token', () => {
  it('sends the configured token as Authorization: Bearer, and nothing when none is set', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const out = mkdtempSync(path.join(tmpdir(), 'cosmos-fx-'));
      await new NodeEffects(out, { bearerToken: 's3cret' }).postJson(url, { a: 1 }, 'k1', 2000);
      await new NodeEffects(out).postJson(url, { a: 1 }, 'k2', 2000);
      assert.deepEqual(seen, ['Bearer s3cret', undefined]);
    } finally {
      server.close();
    }
  });
});
