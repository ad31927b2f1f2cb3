import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateCosmos, eventually, workspaceRoot } from './helpers';

describe('the agent in a real extension host', function () {
  this.timeout(90_000);

  after(async () => {
    await vscode.commands.executeCommand('cosmos.stopAgent');
  });

  it('Start Agent (twice: harmless) finds the incidents of the fixture', async () => {
    const { api } = await activateCosmos();
    await Promise.all([vscode.commands.executeCommand('cosmos.startAgent'), vscode.commands.executeCommand('cosmos.startAgent')]);
    assert.equal(api.running(), true);
    const incidents = await eventually('incidents', () => (api.incidents().length >= 2 ? api.incidents() : undefined));
    assert.ok(incidents.some((i) => i.cause === 'webhook_auth_failure'), `causes: ${incidents.map((i) => i.cause).join(', ')}`);
  });

  it('publishes the invalid record as an error at its exact line and the evidence as COSMOS warnings', async () => {
    const events = vscode.Uri.joinPath(workspaceRoot(), 'events.ndjson');
    const diagnostics = await eventually('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(events).filter((x) => x.source === 'COSMOS');
      return d.some((x) => x.severity === vscode.DiagnosticSeverity.Warning) ? d : undefined;
    });
    const error = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(error, 'no error for the invalid record');
    assert.equal(error.range.start.line, 19);
    assert.equal(error.range.start.character, 0);
    const warning = diagnostics.find((d) => /^COSMOS INC-\d+ webhook_auth_failure \(0\.\d\d\) — \d+ events/.test(d.message));
    assert.ok(warning, `no evidence warning; messages: ${diagnostics.map((d) => d.message).join(' | ')}`);
  });

  it('an approval approved from two surfaces at once executes once', async () => {
    const { api } = await activateCosmos();
    const approval = await eventually('a pending support-reply draft', () => api.pendingApprovals().find((a) => a.type === 'draft_support_reply'));
    const outDir = join(workspaceRoot().fsPath, '.cosmos', 'out');
    const before = filesUnder(outDir);
    await Promise.all([
      vscode.commands.executeCommand('cosmos.approveAction', approval.id),
      vscode.commands.executeCommand('cosmos.approveAction', approval.id),
    ]);
    await eventually('the approval to leave the pending list', () => !api.pendingApprovals().some((a) => a.id === approval.id));
    const after = filesUnder(outDir);
    assert.equal(after - before, 1, `expected exactly one new file in ${outDir}`);
  });

  it('Stop Agent clears the COSMOS diagnostics', async () => {
    await vscode.commands.executeCommand('cosmos.stopAgent');
    const events = vscode.Uri.joinPath(workspaceRoot(), 'events.ndjson');
    await eventually('diagnostics cleared', () => vscode.languages.getDiagnostics(events).filter((d) => d.source === 'COSMOS').length === 0);
  });
});

function filesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
}
