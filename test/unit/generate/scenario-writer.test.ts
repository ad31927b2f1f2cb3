import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeScenario } from '../../../src/adapters/node/scenario-writer';

describe('writeScenario (cosmos generate)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cosmos-gen-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes events, tickets and expected.json; no temporary files left behind', async () => {
    const { truth, files } = await writeScenario(join(dir, 'out'), { scenario: 'webhook_failure', seed: 7, format: 'json' });
    assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['events.json', 'expected.json', 'tickets.json']);
    const events = JSON.parse(await readFile(files.events, 'utf8')) as unknown[];
    const tickets = JSON.parse(await readFile(files.tickets, 'utf8')) as unknown[];
    assert.equal(events.length, truth.events);
    assert.equal(tickets.length, truth.tickets);
    const expected = JSON.parse(await readFile(files.expected, 'utf8'));
    assert.deepEqual(expected, JSON.parse(JSON.stringify(truth)));
    assert.deepEqual(
      expected.incidents.map((i: { cause: string; merchants: string[]; scope: string }) => [i.cause, i.merchants, i.scope]),
      [
        ['webhook_auth_failure', ['M7'], 'merchant'],
        ['webhook_delivery_failure', ['M2'], 'merchant'],
      ],
    );
  });

  it('streams a large ndjson scenario to disk through backpressure, byte-identical on a rerun', async function () {
    this.timeout(60_000);
    const a = await writeScenario(join(dir, 'a'), { scenario: 'rate_limit_storm', seed: 3, events: 200_000, format: 'ndjson' });
    const b = await writeScenario(join(dir, 'b'), { scenario: 'rate_limit_storm', seed: 3, events: 200_000, format: 'ndjson' });
    const textA = await readFile(a.files.events, 'utf8');
    assert.equal(textA.split('\n').length - 1, 200_000);
    assert.equal(textA, await readFile(b.files.events, 'utf8'));
    assert.equal(await readFile(a.files.tickets, 'utf8'), await readFile(b.files.tickets, 'utf8'));
  });

  it('fails clearly for an unknown scenario and leaves nothing behind', async () => {
    await assert.rejects(
      writeScenario(join(dir, 'bad'), { scenario: 'nope' as never, seed: 1, format: 'json' }),
      /unknown scenario "nope"/,
    );
    assert.deepEqual(await readdir(join(dir, 'bad')), []);
  });
});
