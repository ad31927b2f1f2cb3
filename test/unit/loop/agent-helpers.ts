import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createNodeAgent, type NodeAgent } from '../../../src/adapters/node/create-node-agent';
import { writeScenario } from '../../../src/adapters/node/scenario-writer';
import { makeConfig, type CosmosConfigInput } from '../../../src/core/config/config';
import type { ScenarioName } from '../../../src/core/generate/scenarios';
import type { LlmPort } from '../../../src/core/ports/llm';

export function tempDir(prefix = 'cosmos-agent-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function scenarioDir(scenario: ScenarioName, seed = 7): Promise<string> {
  const dir = tempDir(`cosmos-${scenario}-`);
  await writeScenario(dir, { scenario, seed, format: 'ndjson' });
  return dir;
}

export async function agentFor(
  dir: string,
  stateDir: string,
  config: CosmosConfigInput = {},
  extra: { llm?: LlmPort; dryRun?: boolean; trusted?: boolean } = {},
): Promise<NodeAgent> {
  return createNodeAgent({
    roots: [dir],
    stateDir,
    config: makeConfig({ llm: { mode: 'off' }, ...config }),
    trusted: extra.trusted ?? true,
    llm: extra.llm,
    dryRun: extra.dryRun,
    journalSync: 'none',
  });
}

/** Every file under a folder (relative), for counting drafts the actions wrote. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
