import * as vscode from 'vscode';
import { readCosmosConfig } from '../config/settings';
import { WEBHOOK_TOKEN_SECRET } from '../config/secrets';
import { refuseInRestrictedMode } from '../trust/restricted-mode';
import { registerCommand, type CommandDeps } from './command-deps';
import { loadNodeRuntime } from '../agent/load-node-runtime';


/** Check LLM Connection (asks the configured Ollama now), Set Webhook Token (SecretStorage, never settings). */
export function registerLlmCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(deps, 'cosmos.checkLlmConnection', async () => {
      if (refuseInRestrictedMode('Checking the LLM connection')) return;
      const { llm } = readCosmosConfig({ trusted: true });
      if (llm?.mode === 'off') {
        void vscode.window.showInformationMessage('COSMOS: the LLM is off (`cosmos.llm.mode`). Incidents are diagnosed by the rules alone.');
        return;
      }
      const host = llm?.host ?? 'http://127.0.0.1:11434';
      const model = llm?.model ?? 'phi3:mini';
      const health = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `COSMOS: asking ${host} for ${model}…` },
        async () => {
          // Loaded on demand: the Ollama client is not needed to activate.
          const { OllamaLlm } = await loadNodeRuntime();
          const client = new OllamaLlm({ host, model, timeoutMs: llm?.timeoutMs ?? 30_000 });
          try {
            return await client.health();
          } finally {
            client.dispose();
          }
        },
      );
      deps.log.info(`LLM check: ${health.ok ? 'ok' : 'not ok'} — ${health.status}${health.fix ? ` (${health.fix})` : ''}`);
      if (health.ok) void vscode.window.showInformationMessage(`COSMOS: ${health.status}`);
      else void vscode.window.showWarningMessage(`COSMOS: ${health.status}${health.fix ? ` — ${health.fix}` : ''}. The rules keep working without it.`);
    }),
    registerCommand(deps, 'cosmos.setWebhookToken', async () => {
      const token = await vscode.window.showInputBox({
        title: 'Bearer token for the webhook / escalation endpoint',
        prompt: 'Stored in VS Code\'s secret storage (the OS keychain), never in settings. Leave empty to remove it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (token === undefined) return;
      if (token.trim()) await deps.context.secrets.store(WEBHOOK_TOKEN_SECRET, token.trim());
      else await deps.context.secrets.delete(WEBHOOK_TOKEN_SECRET);
      void vscode.window.showInformationMessage(token.trim() ? 'COSMOS: webhook token stored.' : 'COSMOS: webhook token removed.');
    }),
  ];
}
