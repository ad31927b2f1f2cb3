import type { AgentStatus } from '../core/loop/agent-api';
import type { Approval, Incident } from '../core/report/schema';

/**
 * What `activate()` returns to other extensions and to the in-host test suite: read-only views of the running
 * loop. Everything that changes state goes through the contributed commands (and their trust checks).
 */
export interface CosmosExtensionApi {
  /** Time spent in activate(), registration only. */
  readonly activationMs: number;
  running(): boolean;
  status(): AgentStatus | undefined;
  incidents(): readonly Incident[];
  pendingApprovals(): readonly Approval[];
}
