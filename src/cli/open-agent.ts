import { createNodeAgent, type NodeAgent } from '../adapters/node/create-node-agent';
import type { CosmosConfig } from '../core/config/config';
import type { LlmPort } from '../core/ports/llm';
import type { Io } from './io';

/**
 * Opens the agent for a CLI command and forwards configuration problems to stderr. The CLI runs in the
 * user's own terminal on folders they chose, so it is trusted; the extension decides trust itself.
 */
export async function openAgent(
  io: Io,
  opts: { dir: string; stateDir: string; config: CosmosConfig; dryRun?: boolean; watch?: boolean; llm?: LlmPort; verbose?: boolean },
): Promise<NodeAgent> {
  const node = await createNodeAgent({
    roots: [opts.dir],
    stateDir: opts.stateDir,
    config: opts.config,
    trusted: true,
    dryRun: opts.dryRun,
    watch: opts.watch,
    llm: opts.llm,
  });
  for (const p of node.problems) io.err(`cosmos: ${p}`);
  for (const w of node.warnings) io.err(`cosmos: warning: ${w}`);
  if (opts.verbose) {
    node.agent.onDidLog((l) => io.err(`[${l.level}] ${l.message}`));
  }
  return node;
}
