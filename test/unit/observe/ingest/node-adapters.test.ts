import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ChokidarWatcher } from '../../../../src/adapters/node/chokidar-watcher';
import { nodeFileAccess } from '../../../../src/adapters/node/node-file-access';
import { makeTempDir } from './ingest-test-kit';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(10);
  }
  return check();
}

describe('node adapters', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });

  afterEach(() => cleanup());

  describe('nodeFileAccess', () => {
    it('lists files recursively with / separators, skipping node_modules and .git', async () => {
      for (const f of ['events.json', 'data/tickets.ndjson', 'node_modules/p/events.json', '.git/events.json', 'a/b/c.txt']) {
        await fs.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
        await fs.writeFile(path.join(dir, f), '');
      }
      assert.deepEqual(await nodeFileAccess.list(dir), ['a/b/c.txt', 'data/tickets.ndjson', 'events.json']);
    });

    it('stats missing paths and folders as undefined, files with inode and size', async () => {
      await fs.writeFile(path.join(dir, 'f'), 'abc');
      assert.equal(await nodeFileAccess.stat(path.join(dir, 'missing')), undefined);
      assert.equal(await nodeFileAccess.stat(dir), undefined);
      const id = await nodeFileAccess.stat(path.join(dir, 'f'));
      assert.equal(id?.size, 3);
      assert.equal(typeof id?.ino, 'number');
    });

    it('reads by offset through a handle that survives a rename of the file', async () => {
      const file = path.join(dir, 'f');
      await fs.writeFile(file, 'hello world');
      const handle = await nodeFileAccess.open(file);
      await fs.rename(file, `${file}.1`);
      assert.equal((await handle.read(6, 100)).toString(), 'world');
      assert.equal((await handle.read(100, 10)).length, 0);
      assert.equal((await handle.stat()).size, 11);
      await handle.close();
    });
  });

  describe('ChokidarWatcher', () => {
    it('hints on a change, hints again after the trailing re-check, and stops after dispose', async () => {
      const file = path.join(dir, 'events.ndjson');
      await fs.writeFile(file, '');
      const hints: { path: string; at: number }[] = [];
      const watcher = new ChokidarWatcher({ trailingMs: 75, safetyPollMs: 60_000 });
      const sub = watcher.watch([dir], (p) => hints.push({ path: p, at: Date.now() }), { ignored: ['**/node_modules/**'] });
      try {
        // chokidar needs a moment to set up its watches before it can report anything.
        await sleep(300);
        const start = Date.now();
        await fs.appendFile(file, '{"a":1}\n');
        assert.ok(await until(() => hints.some((h) => h.path === file), 3000), 'no hint for the appended file');
        // Immediate hint, then the trailing re-check at least 75 ms later.
        assert.ok(await until(() => hints.filter((h) => h.path === file).length >= 2, 3000), 'no trailing re-check');
        const forFile = hints.filter((h) => h.path === file);
        assert.ok(forFile.at(-1)!.at - forFile[0]!.at >= 70, 'the trailing re-check came too early');
        assert.ok(forFile[0]!.at - start < 2000);
      } finally {
        sub.dispose();
      }
      const count = hints.length;
      await fs.appendFile(file, '{"b":2}\n');
      await sleep(300);
      assert.equal(hints.length, count, 'hints after dispose');
    });

    it('hints the watched folders on the safety poll even when nothing changes', async () => {
      const hints: string[] = [];
      const sub = new ChokidarWatcher({ trailingMs: 75, safetyPollMs: 50 }).watch([dir], (p) => hints.push(p));
      try {
        assert.ok(await until(() => hints.filter((h) => h === dir).length >= 2, 2000));
      } finally {
        sub.dispose();
      }
      const count = hints.length;
      await sleep(150);
      assert.equal(hints.length, count, 'the safety poll keeps running after dispose');
    });

    it('does not report changes inside ignored folders (any-depth and folder-relative patterns)', async () => {
      await fs.mkdir(path.join(dir, 'node_modules'));
      await fs.mkdir(path.join(dir, 'build'));
      const hints: string[] = [];
      const sub = new ChokidarWatcher({ safetyPollMs: 60_000 }).watch([dir], (p) => hints.push(p), {
        ignored: ['**/node_modules/**', 'build/**'],
      });
      try {
        await sleep(300);
        await fs.writeFile(path.join(dir, 'node_modules', 'events.json'), '[]');
        await fs.writeFile(path.join(dir, 'build', 'events.json'), '[]');
        await fs.writeFile(path.join(dir, 'events.json'), '[]');
        assert.ok(await until(() => hints.includes(path.join(dir, 'events.json')), 3000));
        await sleep(200);
        assert.deepEqual(
          hints.filter((h) => h.includes('node_modules') || h.includes('build')),
          [],
        );
      } finally {
        sub.dispose();
      }
    });
  });
});
