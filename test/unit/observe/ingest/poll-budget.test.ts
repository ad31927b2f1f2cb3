import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { makeConfig } from '../../../../src/core/config/config';
import { SourceSet } from '../../../../src/core/observe/ingest/source-set';
import { countingFileAccess, eventLine, makeTempDir } from './ingest-test-kit';

describe('SourceSet poll budget (a large backlog is taken in bounded slices)', () => {
  it('stops at the budget, says more is there, and delivers every record exactly once across polls', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const lines = Array.from({ length: 5000 }, (_, i) => eventLine(`E${i}`));
      // The last line has no newline: in a final read it is accepted, but only once the whole file is read.
      await writeFile(path.join(dir, 'events.ndjson'), `${lines.join('\n')}`);
      const files = countingFileAccess();
      const set = new SourceSet({ root: dir, files, config: makeConfig(), chunkBytes: 4096 });
      await set.discover();
      const ids: string[] = [];
      let polls = 0;
      let more = true;
      while (more) {
        files.reset();
        const batch = await set.poll({ final: true, maxBytesPerFile: 64 * 1024 });
        polls++;
        assert.ok(files.bytesRead <= 64 * 1024 + 4096 + 512, `a slice reads about its budget, read ${files.bytesRead}`);
        for (const r of batch.records) ids.push(r.id);
        assert.deepEqual(batch.invalid, []);
        more = batch.more === true;
      }
      assert.ok(polls > 5, `the backlog took several slices (${polls})`);
      assert.equal(ids.length, 5000);
      assert.equal(new Set(ids).size, 5000);
      assert.equal(ids[4999], 'E4999', 'the unterminated last line is taken at the end of a final read');
      await set.dispose();
    } finally {
      await cleanup();
    }
  });
});
