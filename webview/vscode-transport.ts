import type { HostToView, ViewToHost } from '../src/shared/dashboard-protocol';
import type { Transport } from './transport';
import { reviveUiState, type UiState } from './ui-state';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
  }
}

export function createVsCodeTransport(acquire: () => VsCodeApi): Transport {
  const api = acquire();
  return {
    kind: 'vscode',
    send: (message: ViewToHost) => api.postMessage(message),
    onMessage(listener) {
      window.addEventListener('message', (event: MessageEvent) => {
        const data = event.data as HostToView | undefined;
        // Only the extension posts to this frame; a shape check keeps stray messages out.
        if (data && typeof data === 'object' && typeof data.type === 'string') listener(data);
      });
    },
    loadState: () => reviveUiState(api.getState()),
    saveState: (state: UiState) => api.setState(state),
    onConnection: () => undefined,
  };
}
