import { DashboardApp } from './app';
import { createBrowserTransport } from './browser-transport';
import type { Transport } from './transport';
import { createVsCodeTransport } from './vscode-transport';

/**
 * Entry of the dashboard bundle (dist/webview/dashboard.js). The same code runs in the VS Code webview
 * (`acquireVsCodeApi` exists) and in a browser against `cosmos run --port`.
 */
function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const transport: Transport =
    typeof window.acquireVsCodeApi === 'function' ? createVsCodeTransport(window.acquireVsCodeApi) : createBrowserTransport();
  new DashboardApp(root, transport);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
