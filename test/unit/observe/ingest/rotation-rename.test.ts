import { strict as assert } from 'node:assert';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { nodeFileAccess } from '../../../../src/adapters/node/node-file-access';
import { makeConfig } from '../../../../src/core/config/config';
import { SourceSet } from '../../../../src/core/observe/ingest/source-set';
import { eventLine, makeTempDir } from './ingest-test-kit';

/** A rotation that renames the file to a name the source patterns match as well (logrotate's dateext). */
describe('rotation to a name that is itself a source', () => {
  async function ids(set: SourceSet): Promise<string[]> {
    await set.discover();
    return (await set.poll()).records.map((r) => r.id);
  }

  it('does not read the renamed file again when it is discovered before the rotation is noticed', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const live = path.join(dir, 'events.ndjson');
      await writeFile(live, `${eventLine('s1')}\n${eventLine('s2')}\n`);
      const set = new SourceSet({ root: dir, files: nodeFileAccess, config: makeConfig() });
      assert.deepEqual(await ids(set), ['s1', 's2']);
      await rename(live, path.join(dir, 'events-20260131.ndjson'));
      await writeFile(live, `${eventLine('s3')}\n`);
      assert.deepEqual(await ids(set), ['s3']);
      await set.dispose();
    } finally {
      await cleanup();
    }
  });

  it('does not read it again when the rotation was noticed first, and finishes a half-written line once', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const live = path.join(dir, 'events.ndjson');
      const rotated = path.join(dir, 'events-20260131.ndjson');
      const s2 = eventLine('s2');
      await writeFile(live, `${eventLine('s1')}\n${s2.slice(0, 20)}`);
      const set = new SourceSet({ root: dir, files: nodeFileAccess, config: makeConfig() });
      assert.deepEqual(await ids(set), ['s1']);
      await rename(live, rotated);
      await appendFile(rotated, `${s2.slice(20)}\n`);
      await writeFile(live, `${eventLine('s3')}\n`);
      // A poll before any discovery notices the rotation and drains the old file through its handle...
      assert.deepEqual((await set.poll()).records.map((r) => r.id), ['s2', 's3']);
      // ...so when the renamed file is discovered, it resumes where the drain ended: nothing is read twice.
      await appendFile(rotated, `${eventLine('s5')}\n`);
      assert.deepEqual(await ids(set), ['s5']);
      await set.dispose();
    } finally {
      await cleanup();
    }
  });
});
