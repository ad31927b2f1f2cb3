import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { makeConfig, type CosmosConfig, type CosmosConfigInput } from '../core/config/config';
import { InputError, UsageError } from './usage-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags shared by every command that runs the loop. */
export const LOOP_OPTIONS: Options = {
  'state-dir': { type: 'string' },
  'dry-run': { type: 'boolean' },
  llm: { type: 'string' },
  'llm-host': { type: 'string' },
  'llm-model': { type: 'string' },
  'llm-timeout': { type: 'string' },
  autonomy: { type: 'string' },
  'webhook-url': { type: 'string' },
  'escalation-url': { type: 'string' },
  'out-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const LOOP_FLAGS_HELP = `Loop options:
  --state-dir DIR        journal and snapshot (default: DIR/.cosmos/state)
  --dry-run              decide without executing anything
  --autonomy MODE        off | suggest | auto-low-risk (default auto-low-risk)
  --out-dir DIR          where drafts and reports are written (default: DIR/.cosmos/out)
  --webhook-url URL      enables notify_webhook (POSTs a JSON summary)
  --escalation-url URL   create_escalation also POSTs its report here
  --llm MODE             off | auto | on (default auto: used when Ollama answers its health check)
  --llm-host URL         Ollama host (default http://127.0.0.1:11434)
  --llm-model NAME       model (default phi3:mini)
  --llm-timeout MS       per-call timeout (default 30000)`;

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

export function parse(args: readonly string[], options: Options, usage: string): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), usage);
  }
}

/** A data folder that must exist. */
export function dataDir(dir: string | undefined, usage: string): string {
  if (!dir) throw new UsageError('missing DIR (the folder holding events*/tickets* files)', usage);
  const abs = path.resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new InputError(`${dir}: no such folder`);
  }
  if (!isDir) throw new InputError(`${dir}: not a folder`);
  return abs;
}

export function stateDirOf(values: Parsed['values'], dir: string): string {
  const given = values['state-dir'];
  return typeof given === 'string' ? path.resolve(given) : path.join(dir, '.cosmos', 'state');
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], flag: string, usage: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`, usage);
}

function positiveInt(value: unknown, flag: string, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer (got ${JSON.stringify(value)})`, usage);
  return n;
}

function url(value: unknown, flag: string, usage: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    const u = new URL(String(value));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    return u.toString();
  } catch {
    throw new UsageError(`${flag} must be an http(s) URL (got ${JSON.stringify(value)})`, usage);
  }
}

/** Builds the loop's configuration from the shared flags (everything else keeps its default). */
export function configFrom(values: Parsed['values'], usage: string, overrides: { llmMode?: 'off' } = {}): CosmosConfig {
  const input: CosmosConfigInput = {
    decide: { autonomy: oneOf(values.autonomy, ['off', 'suggest', 'auto-low-risk'] as const, '--autonomy', usage) },
    act: {
      outDir: typeof values['out-dir'] === 'string' ? values['out-dir'] : undefined,
      webhookUrl: url(values['webhook-url'], '--webhook-url', usage),
      escalationUrl: url(values['escalation-url'], '--escalation-url', usage),
    },
    llm: {
      mode: overrides.llmMode ?? oneOf(values.llm, ['off', 'auto', 'on'] as const, '--llm', usage),
      host: typeof values['llm-host'] === 'string' ? url(values['llm-host'], '--llm-host', usage) : undefined,
      model: typeof values['llm-model'] === 'string' ? values['llm-model'] : undefined,
      timeoutMs: positiveInt(values['llm-timeout'], '--llm-timeout', usage),
    },
  };
  return makeConfig(stripUndefined(input) as CosmosConfigInput);
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
    return out;
  }
  return value;
}
