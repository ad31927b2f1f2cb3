import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal, JournalLockedError } from '../../../src/adapters/node/file-journal';
import { exportAudit } from '../../../src/core/memory/audit-export';
import { decodeLine, encodeEntry, GENESIS_HASH } from '../../../src/core/memory/journal-codec';

describe('memory/file-journal', () => {
  let dir: string;
  let path: string;
  let t = 1_700_000_000_000;
  const clock = { now: () => t++ };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cosmos-journal-'));
    path = join(dir, 'state', 'journal.ndjson');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function filled(n: number): Promise<FileJournal> {
    const j = await FileJournal.open(path, { clock });
    for (let i = 0; i < n; i++) await j.append('observation', { i, note: `entry ${i} ✓` });
    return j;
  }

  it('appends entries with sequence numbers and reads them back in order after reopening', async () => {
    const j = await filled(5);
    await j.close();
    const again = await FileJournal.open(path, { clock });
    const all = await again.readAll();
    assert.deepEqual(all.map((e) => e.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(all[4]!.data, { i: 4, note: 'entry 4 ✓' });
    const next = await again.append('outcome', { incidentId: 'INC-1' });
    assert.equal(next.seq, 6);
    assert.deepEqual(await again.verify(), { ok: true, entries: 6, tornTailDropped: false, tornTail: undefined });
    await again.close();
  });

  it('only ever appends: each append grows the file by its line and leaves earlier bytes unchanged', async () => {
    const j = await filled(50);
    const before = readFileSync(path);
    const entry = await j.append('decision', { x: 'y' });
    const after = readFileSync(path);
    assert.ok(after.subarray(0, before.length).equals(before), 'earlier bytes unchanged');
    const line = after.subarray(before.length).toString('utf8');
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), 'exactly one new line');
    const decoded = decodeLine(line.slice(0, -1));
    assert.ok(decoded.ok && decoded.entry.seq === entry.seq);
    await j.close();
  });

  it('serialises concurrent appends into one unbroken chain (also with group commit)', async () => {
    for (const groupCommit of [1, 16]) {
      rmSync(path, { force: true });
      const j = await FileJournal.open(path, { clock, groupCommit });
      const acks = await Promise.all(Array.from({ length: 40 }, (_, i) => j.append('observation', { i })));
      assert.deepEqual(acks.map((a) => a.seq).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1));
      assert.equal((await j.verify()).ok, true);
      await j.close();
    }
  });

  it('detects a torn last line at open, truncates it away and reports it', async () => {
    const j = await filled(3);
    await j.close();
    const good = statSync(path).size;
    // A crash in the middle of writing entry 4.
    const { line } = encodeEntry({ seq: 4, at: t, type: 'action', data: { phase: 'executing' } }, GENESIS_HASH);
    appendFileSync(path, line.slice(0, 25));
    const reopened = await FileJournal.open(path, { clock });
    assert.equal(reopened.recovery.tornTail?.offset, good);
    assert.equal(reopened.recovery.tornTail?.bytes, 25);
    assert.match(reopened.recovery.tornTail!.problem, /no newline/);
    assert.equal(statSync(path).size, good);
    const v = await reopened.verify();
    assert.equal(v.ok, true);
    assert.equal(v.tornTailDropped, true);
    assert.equal((await reopened.append('action', { phase: 'executing' })).seq, 4);
    assert.equal((await reopened.verify()).ok, true);
    await reopened.close();
  });

  it('treats a complete-looking last line with a bad checksum as torn', async () => {
    const j = await filled(2);
    await j.close();
    appendFileSync(path, '{"seq":3,"at":1,"type":"action","data":{},"prev":"x","crc":"00000000"}\n');
    const reopened = await FileJournal.open(path, { clock });
    assert.match(reopened.recovery.tornTail!.problem, /checksum mismatch/);
    assert.equal((await reopened.readAll()).length, 2);
    await reopened.close();
  });

  it('detects tampering: an edited, removed or reordered line breaks the chain at that line', async () => {
    const j = await filled(6);
    await j.close();
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);

    // Edit entry 3's data and recompute its own checksum: only the chain can tell.
    const d = decodeLine(lines[2]!);
    assert.ok(d.ok);
    const forged = encodeEntry({ ...d.entry, data: { i: 999 } }, d.prev).line.trimEnd();
    const cases: [string, string[], RegExp][] = [
      ['edited', [...lines.slice(0, 2), forged, ...lines.slice(3)], /line 4: hash of the previous line does not match/],
      ['removed', [...lines.slice(0, 2), ...lines.slice(3)], /line 3: sequence 4 where 3 was expected/],
      ['reordered', [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)], /line 2: sequence 3 where 2 was expected/],
      ['bytes flipped', [lines[0]!, lines[1]!.replace('entry 1', 'entry 7'), ...lines.slice(2)], /line 2: checksum mismatch/],
    ];
    for (const [name, content, problem] of cases) {
      writeFileSync(path, `${content.join('\n')}\n`);
      const r = await FileJournal.open(path, { clock, readOnly: true });
      const v = await r.verify();
      assert.equal(v.ok, false, name);
      assert.match(v.problem!, problem, name);
      await r.close();
    }
  });

  it('a read-only open reports a torn tail without repairing it, and refuses appends', async () => {
    const j = await filled(2);
    await j.close();
    appendFileSync(path, '{"seq":3');
    const size = statSync(path).size;
    const r = await FileJournal.open(path, { readOnly: true });
    assert.ok(r.recovery.tornTail);
    assert.equal(statSync(path).size, size);
    assert.equal((await r.verify()).ok, false);
    await assert.rejects(r.append('observation', {}), /read-only/);
    await r.close();
  });

  it('allows one writer at a time and takes over a lock left by a killed process', async () => {
    const j = await filled(1);
    await assert.rejects(FileJournal.open(path), JournalLockedError);
    const reader = await FileJournal.open(path, { readOnly: true });
    assert.equal((await reader.readAll()).length, 1);
    await reader.close();
    await j.close();
    // A pid that cannot be alive (kill -9 leaves its lock behind).
    writeFileSync(`${path}.lock`, '2147483646');
    const after = await FileJournal.open(path);
    assert.equal((await after.append('observation', {})).seq, 2);
    await after.close();
  });

  it('exports entries with the verification result', async () => {
    const j = await filled(3);
    const exp = await exportAudit(j, 42);
    assert.equal(exp.verify.ok, true);
    assert.equal(exp.entries.length, 3);
    assert.equal(exp.exportedAt, 42);
    await j.close();
  });

  it('rejects an entry that cannot be serialised without breaking the chain', async () => {
    const j = await filled(1);
    await assert.rejects(j.append('observation', { n: BigInt(1) as unknown as number }), /cannot be serialised/);
    assert.equal((await j.append('observation', { ok: true })).seq, 2);
    assert.equal((await j.verify()).ok, true);
    await j.close();
  });
});
