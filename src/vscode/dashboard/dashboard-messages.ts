import type { AgentApi } from '../../core/loop/agent-api';
import type { Approval, EvidenceRef } from '../../core/report/schema';
import type { DashboardFeed } from '../../server/dashboard-feed';
import { parseViewMessage, type HostToView, type ViewToHost } from '../../shared/dashboard-protocol';

/**
 * What the VS Code panel does with a message from its webview, without `vscode` (unit-tested). Every message is
 * parsed with the protocol's zod schemas first; a malformed one is logged and dropped. Approvals and rejections go
 * to the extension's one approval path, after a native confirmation; evidence opens only for a file and line the
 * agent itself reported.
 */
export interface DashboardMessageDeps {
  post(message: HostToView): void;
  agent(): AgentApi | undefined;
  feed(): DashboardFeed | undefined;
  /** Called on `ready`: the host may now post the state. */
  ready(): void;
  /** Remembers the selection (for evidence checks and "Show trace"). */
  selected(incidentId: string): void;
  selectedId(): string | undefined;
  /** Native modal for approvals the approval path would not confirm itself. Resolves true to proceed. */
  confirm(approval: Approval): Promise<boolean>;
  approve(approvalId: string): Promise<void>;
  reject(approvalId: string): Promise<void>;
  openEvidence(ref: EvidenceRef): Promise<void>;
  isTrusted(): boolean;
  warn(message: string): void;
}

export async function handleViewMessage(raw: unknown, deps: DashboardMessageDeps): Promise<void> {
  const parsed = parseViewMessage(raw);
  if (!parsed.ok) {
    deps.warn(`dashboard: ignored a malformed webview message (${parsed.error})`);
    return;
  }
  const m: ViewToHost = parsed.value;
  switch (m.type) {
    case 'ready':
      deps.ready();
      return;
    case 'select': {
      deps.selected(m.incidentId);
      const feed = deps.feed();
      const detail = feed ? feed.detail(m.incidentId) : { incident: null, approvals: [], rev: 0 };
      deps.post({ type: 'detail', requestId: m.requestId, incidentId: m.incidentId, detail });
      return;
    }
    case 'approve':
    case 'reject':
      deps.post({ type: 'result', requestId: m.requestId, ...(await decide(m, deps)) });
      return;
    case 'openEvidence': {
      const ref = findEvidence(deps.agent(), deps.selectedId(), m.file, m.line, m.column);
      if (!ref) {
        deps.warn(`dashboard: refused to open ${m.file}:${m.line}: not evidence of any incident`);
        return;
      }
      await deps.openEvidence(ref);
      return;
    }
  }
}

async function decide(
  m: Extract<ViewToHost, { type: 'approve' | 'reject' }>,
  deps: DashboardMessageDeps,
): Promise<{ ok: boolean; message: string }> {
  const agent = deps.agent();
  if (!agent) return { ok: false, message: 'The agent is not running.' };
  if (!deps.isTrusted()) return { ok: false, message: 'Restricted Mode: trust this workspace to approve or reject actions.' };
  const approval = agent.approvals().find((a) => a.id === m.approvalId);
  if (!approval) return { ok: false, message: `Approval ${m.approvalId} does not exist.` };
  if (approval.status !== 'pending') return { ok: false, message: `Approval ${m.approvalId} is already ${approval.status}.` };
  try {
    if (m.type === 'approve') {
      // The approval path confirms high-risk actions with its own modal; the rest are confirmed here, so no
      // webview click alone ever approves anything.
      if (approval.risk !== 'high' && !(await deps.confirm(approval))) return { ok: false, message: 'Approval cancelled.' };
      await deps.approve(m.approvalId);
    } else {
      // The approval path asks the reason natively; the webview's text is never trusted as the journal entry.
      await deps.reject(m.approvalId);
    }
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const after = deps.agent()?.approvals().find((a) => a.id === m.approvalId);
  if (!after || after.status === 'pending') {
    return { ok: false, message: m.type === 'approve' ? 'Not approved (cancelled or refused).' : 'Not rejected (cancelled).' };
  }
  const tail = after.result ? `: ${after.result}` : after.error ? `: ${after.error}` : '.';
  return { ok: after.status !== 'failed', message: `Approval ${after.id} is now ${after.status}${tail}` };
}

export function findEvidence(
  agent: AgentApi | undefined,
  selectedId: string | undefined,
  file: string,
  line: number,
  column?: number,
): EvidenceRef | undefined {
  if (!agent) return undefined;
  const match = (e: EvidenceRef): boolean => e.file === file && e.line === line && (column === undefined || e.column === column);
  const selected = selectedId ? agent.incident(selectedId) : undefined;
  const hit = selected?.evidence.find(match);
  if (hit) return hit;
  for (const inc of agent.report().incidents) {
    const e = inc.evidence.find(match);
    if (e) return e;
  }
  return undefined;
}
