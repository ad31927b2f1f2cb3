// zod/mini: this module is loaded when the extension activates (the panel serializer), and classic zod would
// add ~25 ms to activation; the mini build validates the same way at a fraction of the load cost.
import * as z from 'zod/mini';
import type { AgentStatus, Trends } from '../core/loop/agent-api';
import type {
  Approval,
  Cause,
  Incident,
  ReasoningMode,
  Report,
  Risk,
  Scope,
} from '../core/report/schema';

/**
 * The one message protocol between a dashboard host (the VS Code panel or the `cosmos run` HTTP server) and the
 * dashboard front end (webview/). Each message is declared once here.
 *
 * Host-bound messages are untrusted (a webview bug, a hostile page on another origin) and are parsed with the zod
 * schemas below before anything acts on them. View-bound messages come from our own host and are typed only.
 * The front end imports this module with `import type`, so zod never enters the browser bundle.
 */

export const DASHBOARD_PROTOCOL_VERSION = 1;

/** The webview panel's view type, also its serializer's id and the `onWebviewPanel:` activation event. */
export const DASHBOARD_VIEW_TYPE = 'cosmos.dashboard';

/**
 * One row of the incident list. The full incident (trace, evidence, prompt) is sent only for the selected
 * incident, on request, so a state with 10,000 incidents stays a few megabytes.
 */
export interface IncidentSummary {
  readonly id: string;
  /** Bumped by the host every time the incident changes: the view re-requests the detail when it moves. */
  readonly rev: number;
  readonly title: string;
  readonly status: Incident['status'];
  readonly scope: Scope;
  readonly cause?: Cause;
  readonly confidence?: number;
  readonly mode?: ReasoningMode;
  /** Highest risk among the decision's actions. */
  readonly risk?: Risk;
  /** First few merchants (the list is searchable on all of them through `search`). */
  readonly merchants: readonly string[];
  readonly merchantCount: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly pendingApprovals: number;
  readonly actionCount: number;
  readonly observationConfidence: number;
  /** Lower-cased id + title + every merchant id: what the search box matches. */
  readonly search: string;
}

/** The report without its incidents (those travel as summaries). */
export interface ReportMeta {
  readonly dataDir: string;
  readonly asOf: number | null;
  readonly sources: Report['sources'];
  readonly invalidCount: number;
  /** The first invalid records, enough to point at the problem. */
  readonly invalidSample: Report['invalidRecords'];
  readonly llm?: Report['llm'];
  readonly summary: Report['summary'];
}

export interface DashboardState {
  readonly version: typeof DASHBOARD_PROTOCOL_VERSION;
  /** Sequence number of the last patch folded into this state; patches carry seq + 1, + 2, … */
  readonly seq: number;
  readonly meta: ReportMeta;
  readonly incidents: readonly IncidentSummary[];
  /** Every pending approval plus the most recent decided ones. */
  readonly approvals: readonly Approval[];
  readonly trends: Trends;
  readonly status: AgentStatus;
}

export interface DashboardPatch {
  readonly seq: number;
  readonly upserts: readonly IncidentSummary[];
  /** Approvals that are new or changed since the previous patch (a diff: 5,000 pending approvals are not resent). */
  readonly approvals?: readonly Approval[];
  /** Approvals no longer in the state (decided long ago, beyond the recent window). */
  readonly approvalsRemoved?: readonly string[];
  readonly trends?: Trends;
  readonly status?: AgentStatus;
  readonly meta?: ReportMeta;
}

/** One incident in full, with its approvals: what the trace timeline is drawn from. */
export interface IncidentDetail {
  readonly incident: Incident | null;
  readonly approvals: readonly Approval[];
  readonly rev: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Host → view (trusted: typed, not parsed)

export type HostToView =
  | { readonly type: 'state'; readonly state: DashboardState }
  | { readonly type: 'patch'; readonly patch: DashboardPatch }
  | { readonly type: 'detail'; readonly requestId: number; readonly incidentId: string; readonly detail: IncidentDetail }
  | { readonly type: 'result'; readonly requestId: number; readonly ok: boolean; readonly message: string }
  /** The host asks the view to select an incident ("Show trace" from the tree or a CodeLens). */
  | { readonly type: 'reveal'; readonly incidentId: string }
  /** The host lost its agent or the connection (shown as a banner, not a crash). */
  | { readonly type: 'offline'; readonly message: string };

// ---------------------------------------------------------------------------------------------------------------
// View → host (untrusted: parsed with these schemas)

const id = z.string().check(z.minLength(1), z.maxLength(200));
const requestId = z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER));

export const ReadyMessageSchema = z.strictObject({
  type: z.literal('ready'),
  protocol: z.literal(DASHBOARD_PROTOCOL_VERSION),
});
export const SelectMessageSchema = z.strictObject({
  type: z.literal('select'),
  requestId,
  incidentId: id,
});
export const ApproveMessageSchema = z.strictObject({
  type: z.literal('approve'),
  requestId,
  approvalId: id,
});
export const RejectMessageSchema = z.strictObject({
  type: z.literal('reject'),
  requestId,
  approvalId: id,
  reason: z.string().check(z.maxLength(500)),
});
export const OpenEvidenceMessageSchema = z.strictObject({
  type: z.literal('openEvidence'),
  file: z.string().check(z.minLength(1), z.maxLength(4096)),
  line: z.int().check(z.positive(), z.maximum(100_000_000)),
  column: z.optional(z.int().check(z.positive(), z.maximum(10_000_000))),
});

export const ViewToHostSchema = z.discriminatedUnion('type', [
  ReadyMessageSchema,
  SelectMessageSchema,
  ApproveMessageSchema,
  RejectMessageSchema,
  OpenEvidenceMessageSchema,
]);
export type ViewToHost = z.infer<typeof ViewToHostSchema>;

/** HTTP bodies of the browser dashboard's approval API (`POST /api/approvals/:id/approve|reject`). */
export const ApproveBodySchema = z.strictObject({});
export const RejectBodySchema = z.strictObject({ reason: z.string().check(z.maxLength(500)) });

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a host-bound message; the error names the field, never echoes the (untrusted) value. */
export function parseViewMessage(raw: unknown): ParseResult<ViewToHost> {
  const parsed = ViewToHostSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: describeIssues(parsed.error) };
}

export function describeIssues(error: { readonly issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : 'message'}: ${i.message}`)
    .join('; ');
}
