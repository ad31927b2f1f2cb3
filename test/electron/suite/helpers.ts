import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CosmosExtensionApi } from '../../../src/vscode/extension-api';

export const EXTENSION_ID = 'cosmos-ops.cosmos';

export async function activateCosmos(): Promise<{ ext: vscode.Extension<CosmosExtensionApi>; api: CosmosExtensionApi }> {
  const ext = vscode.extensions.getExtension<CosmosExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
  const api = await ext.activate();
  return { ext, api };
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs the fixture workspace open');
  return folder.uri;
}

export async function eventually<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
