/** What the user set up on the screen; persisted so a reload, a hidden tab or a window reload keeps it. */
export interface UiState {
  readonly v: 1;
  selectedId?: string;
  tab: 'incidents' | 'trends';
  status: string;
  cause: string;
  risk: string;
  mode: string;
  pendingOnly: boolean;
  search: string;
  listScroll: number;
  traceScroll: number;
  /** Which collapsible parts of the trace are open (by key, e.g. `prompt`). */
  open: string[];
  theme?: 'light' | 'dark';
}

export function defaultUiState(): UiState {
  return { v: 1, tab: 'incidents', status: '', cause: '', risk: '', mode: '', pendingOnly: false, search: '', listScroll: 0, traceScroll: 0, open: [] };
}

/** Accepts only a well-formed saved state (it comes back from storage the page does not fully control). */
export function reviveUiState(raw: unknown): UiState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (r.v !== 1) return undefined;
  const d = defaultUiState();
  const str = (k: string, max = 200): string => (typeof r[k] === 'string' ? (r[k] as string).slice(0, max) : '');
  return {
    v: 1,
    selectedId: typeof r.selectedId === 'string' ? r.selectedId.slice(0, 200) : undefined,
    tab: r.tab === 'trends' ? 'trends' : 'incidents',
    status: str('status'),
    cause: str('cause'),
    risk: str('risk'),
    mode: str('mode'),
    pendingOnly: r.pendingOnly === true,
    search: str('search'),
    listScroll: typeof r.listScroll === 'number' && r.listScroll >= 0 ? r.listScroll : 0,
    traceScroll: typeof r.traceScroll === 'number' && r.traceScroll >= 0 ? r.traceScroll : 0,
    open: Array.isArray(r.open) ? r.open.filter((x): x is string => typeof x === 'string').slice(0, 50) : d.open,
    theme: r.theme === 'light' || r.theme === 'dark' ? r.theme : undefined,
  };
}
