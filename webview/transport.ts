import type { HostToView, ViewToHost } from '../src/shared/dashboard-protocol';
import type { UiState } from './ui-state';

/**
 * How the dashboard talks to its host. In VS Code: postMessage to the extension. In the browser: fetch + a
 * server-sent event stream to `cosmos run`. The app above never knows which.
 */
export interface Transport {
  readonly kind: 'vscode' | 'browser';
  send(message: ViewToHost): void;
  onMessage(listener: (message: HostToView) => void): void;
  loadState(): UiState | undefined;
  saveState(state: UiState): void;
  /** Shows a connection problem to the user ("reconnecting…"); undefined when healthy. */
  onConnection(listener: (problem: string | undefined) => void): void;
}
