import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { OllamaLlm } from '../ollama/ollama-llm';
import type { CosmosConfig } from '../../core/config/config';
import { Agent } from '../../core/loop/agent';
import { loadSourceMappings, SOURCES_FILE, type SourceMapping } from '../../core/observe/ingest/source-mappings';
import { systemClock, type Clock } from '../../core/ports/clock';
import { noLlm, type LlmPort } from '../../core/ports/llm';
import { compileRules } from '../../core/reason/compile-rules';
import { loadRulesFile } from '../../core/reason/rules-file';
import type { Rule } from '../../core/reason/rule';
import { ChokidarWatcher } from './chokidar-watcher';
import { FileJournal } from './file-journal';
import { FileSnapshotStore } from './file-snapshot';
import { NodeEffects } from './node-effects';
import { nodeFileAccess } from './node-file-access';

export const RULES_FILE = '.cosmos/rules.json';
export const JOURNAL_FILE = 'journal.ndjson';
export const SNAPSHOT_FILE = 'state.json';

export interface NodeAgentOptions {
  /** Data folders (absolute, or relative to the process's cwd). */
  readonly roots: readonly string[];
  /** Where the journal and the snapshot live (CLI: --state-dir; extension: workspace storage). */
  readonly stateDir: string;
  readonly config: CosmosConfig;
  /** False in an untrusted workspace: observe and reason only — no actions, no posts, no LLM calls. */
  readonly trusted: boolean;
  /** Replaces the Ollama adapter (tests, benchmarks). */
  readonly llm?: LlmPort;
  readonly clock?: Clock;
  /** Watch the folders (run / extension) or not (analyze). */
  readonly watch?: boolean;
  readonly dryRun?: boolean;
  /** Bearer token for the webhook / escalation POSTs (from the extension's SecretStorage). */
  readonly httpBearerToken?: string;
  /** Group commit / no-sync for benchmarks; the default syncs every journal append. */
  readonly journalSync?: 'fdatasync' | 'none';
}

export interface NodeAgent {
  readonly agent: Agent;
  /** Problems with `.cosmos/rules.json` / `.cosmos/sources.json`: the agent still runs with what validated. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
  readonly journal: FileJournal;
  readonly outDir: string;
}

/**
 * The composition root for Node hosts (the CLI and the VS Code extension): node adapters for files,
 * watching, the journal, the snapshot and effects; Ollama for the LLM unless told otherwise.
 */
export async function createNodeAgent(opts: NodeAgentOptions): Promise<NodeAgent> {
  const roots = opts.roots.map((r) => path.resolve(r));
  const config: CosmosConfig = { ...opts.config, act: { ...opts.config.act, allowEffects: opts.config.act.allowEffects && opts.trusted } };
  const problems: string[] = [];
  const warnings: string[] = [];

  const mappings = new Map<string, readonly SourceMapping[]>();
  for (const root of roots) {
    const file = path.join(root, SOURCES_FILE);
    const text = await readIfExists(file);
    if (text === undefined) continue;
    try {
      mappings.set(root, loadSourceMappings(text, file));
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }

  const userRules: Rule[] = [];
  const disable: string[] = [];
  const ruleFiles = config.reason.rulesFile ? [path.resolve(roots[0] ?? '.', config.reason.rulesFile)] : roots.map((r) => path.join(r, RULES_FILE));
  for (const file of ruleFiles) {
    const text = await readIfExists(file);
    if (text === undefined) continue;
    const loaded = loadRulesFile(text, file);
    userRules.push(...loaded.rules);
    disable.push(...loaded.disable);
    problems.push(...loaded.errors);
    warnings.push(...loaded.warnings);
  }

  await fsp.mkdir(opts.stateDir, { recursive: true });
  const journal = await FileJournal.open(path.join(opts.stateDir, JOURNAL_FILE), { sync: opts.journalSync ?? 'fdatasync' });
  const outDir = path.resolve(roots[0] ?? '.', config.act.outDir);
  const llm =
    opts.llm ?? (config.llm.mode !== 'off' && config.act.allowEffects ? new OllamaLlm({ ...config.llm }) : noLlm);

  const agent = new Agent({
    roots,
    files: nodeFileAccess,
    watcher: opts.watch ? new ChokidarWatcher() : undefined,
    journal,
    snapshot: new FileSnapshotStore<unknown>(path.join(opts.stateDir, SNAPSHOT_FILE)),
    effects: new NodeEffects(outDir, { bearerToken: opts.httpBearerToken }),
    llm,
    clock: opts.clock ?? systemClock,
    config,
    rules: compileRules(userRules, { disable }),
    mappings,
    dryRun: opts.dryRun,
    owned: [llm, { dispose: () => void journal.close() }],
  });
  return { agent, problems, warnings, journal, outDir };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
