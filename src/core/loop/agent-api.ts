import type { Disposable } from '../ports/disposable';
import type { LlmHealth } from '../ports/llm';
import type { Approval, Incident, ReasoningMode, Report } from '../report/schema';

/**
 * What the surfaces (CLI `run`, the VS Code extension, the dashboard server) use of a running loop.
 * Implemented by `Agent` in ./agent.ts. Surfaces never reach into stages directly.
 */
export type Outcome = 'resolved' | 'false_positive' | 'wrong_cause';

export interface IncidentChange {
  readonly kind: 'opened' | 'updated' | 'reopened' | 'quiet' | 'resolved';
  readonly incident: Incident;
}

export interface AgentStatus {
  readonly running: boolean;
  readonly paused: boolean;
  readonly openIncidents: number;
  readonly pendingApprovals: number;
  readonly llm: LlmHealth;
  /** False in an untrusted workspace: nothing executes, nothing is posted, no LLM call. */
  readonly effectsAllowed: boolean;
}

export interface ApprovalResult {
  readonly ok: boolean;
  /** What the user is told: "Draft written to .cosmos/out/…", or why it was refused. */
  readonly message: string;
  readonly approval?: Approval;
}

/** "Learning over time" for the dashboard's trend charts, folded from the journal. */
export interface Trends {
  readonly bucketMs: number;
  readonly causeCounts: readonly { bucket: number; cause: string; count: number }[];
  readonly confidence: readonly { bucket: number; cause: string; mean: number }[];
  readonly modeMix: readonly { mode: ReasoningMode; count: number }[];
  readonly outcomes: readonly { outcome: Outcome; count: number }[];
  readonly rulePrecision: readonly { ruleId: string; precision: number; samples: number }[];
  readonly llm: { calls: number; failures: number; cacheHits: number; meanLatencyMs: number | null };
}

export interface AgentApi extends Disposable {
  readonly onDidChangeIncidents: (listener: (changes: readonly IncidentChange[]) => void) => Disposable;
  readonly onDidChangeApprovals: (listener: (approvals: readonly Approval[]) => void) => Disposable;
  readonly onDidChangeStatus: (listener: (status: AgentStatus) => void) => Disposable;
  /** Log lines for an output channel / terminal, one per loop step. */
  readonly onDidLog: (listener: (line: { level: 'info' | 'warn' | 'error'; message: string }) => void) => Disposable;

  start(): Promise<void>;
  stop(): Promise<void>;
  status(): AgentStatus;
  report(): Report;
  incident(id: string): Incident | undefined;
  trends(): Trends;
  approvals(filter?: { status?: Approval['status'] }): readonly Approval[];
  approve(approvalId: string, by: string): Promise<ApprovalResult>;
  reject(approvalId: string, by: string, reason: string): Promise<ApprovalResult>;
  recordOutcome(incidentId: string, outcome: Outcome, by: string): Promise<void>;
  setPaused(paused: boolean, by: string): Promise<void>;
}
