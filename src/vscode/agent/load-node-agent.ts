import type { AgentApi } from '../../core/loop/agent-api';
import type { CosmosConfigInput } from '../../core/config/config';
import { loadNodeRuntime } from './load-node-runtime';

export interface AgentLaunch {
  /** Every workspace folder: each folder's data files are found. */
  readonly roots: readonly string[];
  /** Workspace storage (`ExtensionContext.storageUri`): journal and snapshot live here. */
  readonly stateDir: string;
  readonly config: CosmosConfigInput;
  readonly trusted: boolean;
  /** From SecretStorage (COSMOS: Set Webhook Token); sent only to the configured webhook/escalation URLs. */
  readonly webhookToken?: string;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Configuration problems (rules/sources files) the user should see, not only the log. */
  readonly onProblems?: (problems: readonly string[]) => void;
}

export type AgentFactory = (launch: AgentLaunch) => Promise<AgentApi>;

/**
 * Builds the Node agent (chokidar watchers, file journal, effects, optional Ollama client). Imported
 * lazily, when the user starts the agent, so that activating the extension stays cheap: the config schema
 * (zod), chokidar and the LLM client are only evaluated here.
 */
export const loadNodeAgent: AgentFactory = async (launch) => {
  const { createNodeAgent, makeConfig } = await loadNodeRuntime();
  const built = await createNodeAgent({
    roots: [...launch.roots],
    stateDir: launch.stateDir,
    config: makeConfig(launch.config),
    trusted: launch.trusted,
    watch: true,
    httpBearerToken: launch.webhookToken,
  });
  // A broken .cosmos/rules.json or sources.json does not stop the agent: it runs with what validated, and says so.
  for (const problem of built.problems) launch.log('error', problem);
  for (const warning of built.warnings) launch.log('warn', warning);
  if (built.problems.length > 0) launch.onProblems?.(built.problems);
  return built.agent;
};
