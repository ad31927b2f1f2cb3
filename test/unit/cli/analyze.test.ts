import { strict as assert } from 'node:assert';
import { cpSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ReportSchema, type Report } from '../../../src/core/report/schema';
import { cli, SAMPLE_DATA, tempDir } from './cli-helpers';

/** Copies the sample day so runs never write drafts into the repository's data/. */
function sampleCopy(): string {
  const dir = tempDir();
  cpSync(SAMPLE_DATA, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.cosmos`) });
  return dir;
}

async function analyzeJson(dir: string, ...flags: string[]): Promise<Report> {
  const r = await cli('analyze', dir, '--json', '--llm', 'off', '--state-dir', tempDir(), ...flags);
  assert.equal(r.code, 0, r.err);
  return ReportSchema.parse(JSON.parse(r.out));
}

describe('cosmos analyze', () => {
  it('shows the sample day’s incidents with causes, evidence locations and a decision each', async () => {
    const report = await analyzeJson(sampleCopy());
    assert.deepEqual(
      report.sources.map((s) => [s.file, s.kind, s.invalid]),
      [
        ['events.json', 'events', 0],
        ['tickets.json', 'tickets', 0],
      ],
    );
    const causes = report.incidents.map((i) => i.cause).sort();
    for (const expected of ['webhook_auth_failure', 'platform_regression', 'api_data_inconsistency', 'rate_limiting', 'documentation_gap']) {
      assert.ok(causes.includes(expected as never), `sample day should show ${expected}; got ${causes.join(', ')}`);
    }
    for (const i of report.incidents) {
      assert.ok(i.evidence.length > 0, `${i.id} has evidence`);
      for (const e of i.evidence) assert.match(`${e.file}:${e.line}`, /^(events|tickets)\.json:\d+$/);
      assert.ok(i.decision && i.decision.actions.length > 0, `${i.id} has a decision`);
      for (const a of i.decision.actions) assert.ok(a.gates.length > 0, `${i.id} ${a.type} records its gates`);
    }
  });

  it('is deterministic: the same files give the same report', async () => {
    const a = await analyzeJson(sampleCopy(), '--dry-run');
    const b = await analyzeJson(sampleCopy(), '--dry-run');
    const strip = (r: Report) => ({ ...r, dataDir: '', approvals: r.approvals?.map((x) => ({ ...x, createdAt: 0, expiresAt: 0 })) });
    assert.deepEqual(strip(a), strip(b));
  });

  it('reports every broken record with file:line:column while keeping the good ones', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'events.ndjson'),
      [
        '{"event_id":"E1","merchant_id":"M1","error_code":"http_401","service":"webhook","timestamp":"2026-01-31T10:00:00"}',
        '{"event_id":"E2","merchant_id":"M1","error_code":"http_401","service":"webhook","timestamp":"yesterday"}',
        'this is not json',
        '{"event_id":"E3","merchant_id":"M1","error_code":"http_401","service":"webhook","timestamp":"2026-01-31T10:01:00"}',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'tickets.json'),
      '[\n{"ticket_id":"T1","merchant_id":"M1","issue":"webhook_failing","message":"401s","timestamp":"2026-01-31T10:05:00"},\n{"ticket_id":"T2","issue":"x","message":"no merchant","timestamp":"2026-01-31T10:05:00"}\n]\n',
    );
    const report = await analyzeJson(dir);
    const byFile = Object.fromEntries(report.sources.map((s) => [s.file, s]));
    assert.equal(byFile['events.ndjson']?.records, 2);
    assert.equal(byFile['events.ndjson']?.invalid, 2);
    assert.equal(byFile['tickets.json']?.records, 1);
    assert.equal(byFile['tickets.json']?.invalid, 1);
    const where = report.invalidRecords.map((r) => `${r.file}:${r.line}`).sort();
    assert.deepEqual(where, ['events.ndjson:2', 'events.ndjson:3', 'tickets.json:3']);
    const ts = report.invalidRecords.find((r) => r.line === 2 && r.file === 'events.ndjson');
    assert.match(ts!.message, /timestamp/);
    assert.match(ts!.message, /yesterday/);

    const human = await cli('analyze', dir, '--llm', 'off', '--state-dir', tempDir());
    assert.equal(human.code, 0);
    assert.match(human.out, /events\.ndjson:2:\d+ — .*timestamp/);
  });

  it('exits 2 with the usage on a usage error and 1 on a missing folder', async () => {
    const usage = await cli('analyze');
    assert.equal(usage.code, 2);
    assert.match(usage.err, /Usage: cosmos analyze DIR/);
    const badFlag = await cli('analyze', '.', '--llm', 'sometimes');
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.err, /--llm must be one of off, auto, on/);
    const missing = await cli('analyze', '/definitely/not/here');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no such folder/);
    const unknown = await cli('frobnicate');
    assert.equal(unknown.code, 2);
  });

  it('--dry-run decides without executing anything', async () => {
    const dir = sampleCopy();
    const report = await analyzeJson(dir, '--dry-run');
    const statuses = report.incidents.flatMap((i) => i.decision?.actions.map((a) => a.status) ?? []);
    assert.ok(!statuses.includes('executed'), `nothing executed in a dry run: ${statuses.join(',')}`);
    assert.equal(report.approvals?.length ?? 0, 0);
  });

  it('prints --help for every command', async () => {
    for (const cmd of ['analyze', 'run', 'generate', 'eval', 'approvals', 'outcome', 'explain', 'audit']) {
      const r = await cli(cmd, '--help');
      assert.equal(r.code, 0, cmd);
      assert.match(r.out, new RegExp(`Usage: cosmos ${cmd}`), cmd);
    }
  });
});
