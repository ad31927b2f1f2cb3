import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSnapshotStore } from '../../../src/adapters/node/file-snapshot';

describe('memory/file-snapshot', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cosmos-snap-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves atomically and loads the last saved state, leaving no temp file', async () => {
    const s = new FileSnapshotStore<{ n: number }>(join(dir, 'state.json'));
    assert.equal(await s.load(), undefined);
    await Promise.all([s.save({ n: 1 }), s.save({ n: 2 }), s.save({ n: 3 })]);
    assert.deepEqual(await s.load(), { n: 3 });
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });

  it('ignores a half-written temp file when the final file exists', async () => {
    const s = new FileSnapshotStore<{ n: number }>(join(dir, 'state.json'));
    await s.save({ n: 1 });
    writeFileSync(join(dir, '.state.json.tmp'), '1234abcd\n{"n":');
    assert.deepEqual(await s.load(), { n: 1 });
  });

  it('takes a complete temp file when a crash hit between its fsync and the rename', async () => {
    const s = new FileSnapshotStore<{ n: number }>(join(dir, 'state.json'));
    await s.save({ n: 7 });
    renameSync(join(dir, 'state.json'), join(dir, '.state.json.tmp'));
    assert.deepEqual(await s.load(), { n: 7 });
  });

  it('rejects a damaged snapshot (the journal rebuilds the state) and says why', async () => {
    const s = new FileSnapshotStore<{ n: number }>(join(dir, 'state.json'));
    writeFileSync(join(dir, 'state.json'), 'deadbeef\n{"n":5}');
    assert.equal(await s.load(), undefined);
    assert.match(s.lastProblem!, /checksum mismatch/);
    assert.ok(existsSync(join(dir, 'state.json')));
  });

  it('applies the validator', async () => {
    const s = new FileSnapshotStore<{ n: number }>(join(dir, 'state.json'), {
      validate: (v) => {
        if (typeof (v as { n?: unknown }).n !== 'number') throw new Error('n must be a number');
        return v as { n: number };
      },
    });
    await new FileSnapshotStore<unknown>(join(dir, 'state.json')).save({ n: 'x' });
    assert.equal(await s.load(), undefined);
    assert.match(s.lastProblem!, /n must be a number/);
  });
});
