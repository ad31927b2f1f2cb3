import type { DashboardPatch, DashboardState, HostToView, IncidentDetail, ViewToHost } from '../src/shared/dashboard-protocol';
import type { Transport } from './transport';
import { reviveUiState, type UiState } from './ui-state';

/**
 * The dashboard served by `cosmos run`: state over fetch, live patches over a server-sent event stream read with
 * fetch (so the token travels in a header, never in a URL), approvals as POSTs. The token arrives once in the URL
 * fragment (`/#token=…`), is kept in sessionStorage for reloads of this tab, and is removed from the address bar.
 */
const TOKEN_KEY = 'cosmos.dashboard.token';
const UI_KEY = 'cosmos.dashboard.ui';
const RETRY_MS = 2000;

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

export function takeToken(): string | undefined {
  const match = /(?:^#|&)token=([^&]*)/.exec(window.location.hash);
  if (match) {
    let token = '';
    try {
      token = decodeURIComponent(match[1] ?? '');
    } catch {
      token = '';
    }
    if (token) storage()?.setItem(TOKEN_KEY, token);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return storage()?.getItem(TOKEN_KEY) ?? undefined;
}

export function createBrowserTransport(): Transport {
  const token = takeToken();
  const listeners: ((m: HostToView) => void)[] = [];
  const connListeners: ((p: string | undefined) => void)[] = [];
  const deliver = (m: HostToView): void => listeners.forEach((l) => l(m));
  const connection = (p: string | undefined): void => connListeners.forEach((l) => l(p));

  let lastSeq = -1;
  let syncing = false;
  let buffered: DashboardPatch[] = [];
  let streamStarted = false;

  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    Authorization: `Bearer ${token ?? ''}`,
    ...extra,
  });

  async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T | undefined }> {
    const res = await fetch(path, { ...init, headers: headers(init.body ? { 'Content-Type': 'application/json' } : {}), cache: 'no-store', credentials: 'omit' });
    let body: T | undefined;
    try {
      body = (await res.json()) as T;
    } catch {
      body = undefined;
    }
    if (res.status === 401) connection('The dashboard token is missing or wrong: open the exact URL printed by `cosmos run`.');
    return { status: res.status, body };
  }

  async function resync(): Promise<void> {
    if (syncing) return;
    syncing = true;
    try {
      const { status, body } = await api<DashboardState>('/api/state');
      if (status !== 200 || !body) throw new Error(`state: HTTP ${status}`);
      lastSeq = body.seq;
      deliver({ type: 'state', state: body });
      const queued = buffered.filter((p) => p.seq > lastSeq).sort((a, b) => a.seq - b.seq);
      buffered = [];
      syncing = false;
      for (const p of queued) onPatch(p);
    } catch (err) {
      syncing = false;
      if (token) connection(`Cannot load the dashboard state (${err instanceof Error ? err.message : String(err)}); retrying…`);
      setTimeout(() => void resync(), RETRY_MS);
    }
  }

  function onPatch(patch: DashboardPatch): void {
    if (syncing) {
      buffered.push(patch);
      return;
    }
    if (patch.seq <= lastSeq) return;
    if (patch.seq !== lastSeq + 1) {
      // A patch went missing (reconnect, dropped slow client): start again from a full state.
      buffered.push(patch);
      void resync();
      return;
    }
    lastSeq = patch.seq;
    deliver({ type: 'patch', patch });
  }

  async function stream(): Promise<void> {
    for (;;) {
      try {
        const res = await fetch('/api/events', { headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', credentials: 'omit' });
        if (res.status === 401) {
          connection('The dashboard token is missing or wrong: open the exact URL printed by `cosmos run`.');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        connection(undefined);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
          let cut: number;
          while ((cut = text.indexOf('\n\n')) >= 0) {
            const block = text.slice(0, cut);
            text = text.slice(cut + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
            }
            if (!data.length) continue;
            if (event === 'hello') void resync();
            else if (event === 'patch') onPatch(JSON.parse(data.join('\n')) as DashboardPatch);
          }
        }
        throw new Error('the server closed the stream');
      } catch (err) {
        connection(`Live updates interrupted (${err instanceof Error ? err.message : String(err)}); reconnecting…`);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  async function handle(message: ViewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (!token) {
          connection('No dashboard token: open the exact URL printed by `cosmos run` (it ends with #token=…).');
          return;
        }
        if (!streamStarted) {
          streamStarted = true;
          void stream();
        }
        return;
      case 'select': {
        const { status, body } = await api<IncidentDetail>(`/api/incidents/${encodeURIComponent(message.incidentId)}`);
        const detail: IncidentDetail = status === 200 && body ? body : { incident: null, approvals: [], rev: 0 };
        deliver({ type: 'detail', requestId: message.requestId, incidentId: message.incidentId, detail });
        return;
      }
      case 'approve':
      case 'reject': {
        const path = `/api/approvals/${encodeURIComponent(message.approvalId)}/${message.type}`;
        const body = message.type === 'reject' ? { reason: message.reason } : {};
        try {
          const res = await api<{ ok?: boolean; message?: string; error?: string }>(path, { method: 'POST', body: JSON.stringify(body) });
          deliver({
            type: 'result',
            requestId: message.requestId,
            ok: res.status === 200 && res.body?.ok === true,
            message: res.body?.message ?? res.body?.error ?? `HTTP ${res.status}`,
          });
        } catch (err) {
          deliver({ type: 'result', requestId: message.requestId, ok: false, message: err instanceof Error ? err.message : String(err) });
        }
        return;
      }
      case 'openEvidence':
        // The browser cannot open the editor; the trace shows file:line for the user to copy.
        return;
    }
  }

  return {
    kind: 'browser',
    send: (message) => void handle(message),
    onMessage: (l) => void listeners.push(l),
    onConnection: (l) => void connListeners.push(l),
    loadState(): UiState | undefined {
      try {
        const raw = storage()?.getItem(UI_KEY);
        return raw ? reviveUiState(JSON.parse(raw)) : undefined;
      } catch {
        return undefined;
      }
    },
    saveState(state: UiState): void {
      try {
        storage()?.setItem(UI_KEY, JSON.stringify(state));
      } catch {
        // Storage full or disabled: the UI still works, it just forgets on reload.
      }
    },
  };
}
