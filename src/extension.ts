import type * as vscode from 'vscode';
import { Container } from './vscode/container';
import type { CosmosExtensionApi } from './vscode/extension-api';

/** Entry point: one container builds, owns and disposes every service (src/vscode/container.ts). */
let container: Container | undefined;

export function activate(context: vscode.ExtensionContext): CosmosExtensionApi {
  const c = new Container(context);
  container = c;
  const activationMs = c.activate();
  return {
    activationMs,
    running: () => c.session.running,
    status: () => c.session.agent?.status(),
    incidents: () => c.session.snapshot().incidents,
    pendingApprovals: () => c.session.pendingApprovals(),
  };
}

export async function deactivate(): Promise<void> {
  const c = container;
  container = undefined;
  await c?.dispose();
}
