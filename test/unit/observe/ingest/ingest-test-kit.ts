import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileAccess } from '../../../../src/adapters/node/node-file-access';
import type { FileAccess } from '../../../../src/core/ports/files';

/** A real temporary folder, removed by `cleanup()`. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cosmos-ingest-'));
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** nodeFileAccess that counts the bytes it reads, to prove that a poll reads only what is new. */
export function countingFileAccess(inner: FileAccess = nodeFileAccess): FileAccess & { bytesRead: number; reset(): void } {
  const counter = {
    bytesRead: 0,
    reset() {
      counter.bytesRead = 0;
    },
    stat: (p: string) => inner.stat(p),
    list: (d: string) => inner.list(d),
    async readFile(p: string) {
      const b = await inner.readFile(p);
      counter.bytesRead += b.length;
      return b;
    },
    async open(p: string) {
      const f = await inner.open(p);
      return {
        stat: () => f.stat(),
        close: () => f.close(),
        async read(position: number, length: number) {
          const b = await f.read(position, length);
          counter.bytesRead += b.length;
          return b;
        },
      };
    },
  };
  return counter;
}

/** A prototype-format event line, with overrides. */
export function eventLine(id: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    event_id: id,
    merchant_id: 'M1',
    error_code: 'checkout_timeout',
    service: 'api',
    timestamp: '2026-01-31T18:51:36.507867',
    ...overrides,
  });
}

export const FIXTURES = path.resolve(__dirname, '../../../fixtures/ingest');
