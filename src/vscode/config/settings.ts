import * as vscode from 'vscode';
import type { CosmosConfigInput } from '../../core/config/config';

/**
 * Maps the `cosmos.*` settings onto the core's CosmosConfig input. Read on demand (each agent start or
 * restart), never cached into a field that goes stale.
 *
 * Settings that could exfiltrate data or redirect effects — the LLM host, the webhook and escalation URLs —
 * are machine-scoped in package.json and, here, read from user/machine values only: a value in a workspace's
 * own `.vscode/settings.json` is ignored even in a trusted workspace, so a cloned repository cannot point
 * the agent at its own "Ollama" and have it send the tickets there.
 */
export function readCosmosConfig(options: { trusted: boolean }): CosmosConfigInput {
  const c = vscode.workspace.getConfiguration('cosmos');
  const ttlHours = c.get<number>('approvalTtlHours', 24);
  const webhookUrl = userOnly<string>('webhookUrl');
  const escalationUrl = userOnly<string>('escalationUrl');
  return {
    sources: {
      events: c.get<string[]>('sources.events'),
      tickets: c.get<string[]>('sources.tickets'),
      ignored: [...(c.get<string[]>('sources.ignored') ?? []), ...watcherExcludeGlobs()],
    },
    observe: {
      repeatThreshold: c.get<number>('thresholds.repeatCount'),
    },
    reason: {
      ambiguityThreshold: c.get<number>('thresholds.ambiguity'),
    },
    decide: {
      autonomy: c.get<'off' | 'suggest' | 'auto-low-risk'>('autonomy'),
      minObservationConfidence: c.get<number>('thresholds.observation'),
      minReasoningConfidence: {
        low: c.get<number>('thresholds.lowRisk'),
        medium: c.get<number>('thresholds.mediumRisk'),
        high: c.get<number>('thresholds.highRisk'),
      },
      maxAutoActionsPerHour: c.get<number>('maxAutoActionsPerHour'),
      approvalTtlMs: Math.max(1, Math.round(ttlHours * 60 * 60_000)),
    },
    act: {
      outDir: c.get<string>('outputFolder') || '.cosmos/out',
      webhookUrl: webhookUrl ? webhookUrl : undefined,
      escalationUrl: escalationUrl ? escalationUrl : undefined,
      // Restricted Mode: observe and reason only.
      allowEffects: options.trusted,
    },
    llm: {
      // Restricted Mode calls no LLM at all, whatever the settings say.
      mode: options.trusted ? c.get<'off' | 'auto' | 'on'>('llm.mode') : 'off',
      host: userOnly<string>('llm.host') || 'http://127.0.0.1:11434',
      model: c.get<string>('llm.model'),
      timeoutMs: Math.max(1000, Math.round((c.get<number>('llm.timeoutSeconds') ?? 30) * 1000)),
    },
  };
}

/**
 * A setting's value from the user (or remote machine) settings, or its default — never from workspace or
 * workspace-folder settings.
 */
export function userOnly<T>(key: string): T | undefined {
  const inspected = vscode.workspace.getConfiguration('cosmos').inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** The enabled globs of `files.watcherExclude`, which the agent's own watchers honour too. */
export function watcherExcludeGlobs(): string[] {
  const excluded = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('watcherExclude') ?? {};
  return Object.entries(excluded)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/** Whether a configuration change should restart a running agent. */
export function affectsAgent(e: vscode.ConfigurationChangeEvent): boolean {
  if (e.affectsConfiguration('files.watcherExclude')) return true;
  if (!e.affectsConfiguration('cosmos')) return false;
  // View-only settings do not need the loop restarted.
  return !(e.affectsConfiguration('cosmos.incidents') || e.affectsConfiguration('cosmos.autoStart'));
}
