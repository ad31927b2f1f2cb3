import type * as vscode from 'vscode';

/** SecretStorage key of the bearer token sent with webhook/escalation POSTs (never stored in settings). */
export const WEBHOOK_TOKEN_SECRET = 'cosmos.webhookToken';

export async function webhookToken(context: vscode.ExtensionContext): Promise<string | undefined> {
  return context.secrets.get(WEBHOOK_TOKEN_SECRET);
}
