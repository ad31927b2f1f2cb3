import type { NodeAgent } from '../../adapters/node/create-node-agent';
import type { Io } from '../io';
import { openAgent } from '../open-agent';
import { configFrom, dataDir, stateDirOf, type Parsed } from '../options';

/**
 * Brings a command's agent up to date with the data folder without side effects: a dry-run pass with the
 * LLM off (the journal already holds what earlier runs decided). Approvals, outcomes and explanations
 * then act on the same incidents the user saw.
 */
export async function replay(io: Io, values: Parsed['values'], usage: string): Promise<NodeAgent> {
  const dir = dataDir(typeof values.dir === 'string' ? values.dir : '.', usage);
  const config = configFrom(values, usage, { llmMode: 'off' });
  const node = await openAgent(io, { dir, stateDir: stateDirOf(values, dir), config, dryRun: true });
  await node.agent.analyzeOnce();
  return node;
}
