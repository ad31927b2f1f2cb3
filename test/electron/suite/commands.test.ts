import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateCosmos } from './helpers';

describe('contributed commands', () => {
  it('registers exactly the commands package.json contributes (no missing handler, no hidden command)', async () => {
    const { ext } = await activateCosmos();
    const contributes = ext.packageJSON.contributes as { commands: { command: string }[]; views: Record<string, { id: string }[]> };
    const contributed = contributes.commands.map((c) => c.command).sort();
    // Views add their own commands (`cosmos.incidents.focus`, …): those are VS Code's, not ours.
    const viewIds = Object.values(contributes.views).flat().map((v) => v.id);
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('cosmos.'))
      .filter((id) => !viewIds.some((view) => id.startsWith(`${view}.`)))
      .sort();
    assert.deepEqual(
      { missingHandler: contributed.filter((id) => !registered.includes(id)), notContributed: registered.filter((id) => !contributed.includes(id)) },
      { missingHandler: [], notContributed: [] },
    );
  });

  it('activates without starting the agent (activation only registers)', async () => {
    const { api } = await activateCosmos();
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(api.activationMs < 500, `activation took ${api.activationMs} ms`);
  });
});
