import type { ActionType, Approval, Risk } from '../../core/report/schema';

/** Human names of the action catalogue, shared by the trees, the CodeLens and the palette. */
const ACTION_NAMES: Record<ActionType, string> = {
  monitor: 'monitor',
  draft_support_reply: 'draft support reply',
  suggest_doc_update: 'suggest doc update',
  create_escalation: 'create escalation',
  notify_webhook: 'notify webhook',
  pause_automation: 'pause automation',
};

export function actionName(type: ActionType): string {
  return ACTION_NAMES[type] ?? type;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "in 23 h", "in 12 min", "expired". */
export function expiresIn(expiresAt: number, now: number): string {
  const ms = expiresAt - now;
  if (ms <= 0) return 'expired';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `expires in ${Math.max(1, minutes)} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `expires in ${hours} h`;
  return `expires in ${Math.round(hours / 24)} d`;
}

export const RISK_LABEL: Record<Risk, string> = { low: 'low risk', medium: 'medium risk', high: 'HIGH RISK' };

/**
 * Exactly what will run, for the modal confirmation of high-risk approvals: the action and every parameter,
 * as the agent will execute them (params are produced by the core's catalogue, never by model or ticket text).
 */
export function whatWillRun(approval: Approval): string {
  const lines = [`Action: ${approval.type} (${approval.risk} risk) for ${approval.incidentId}`];
  for (const [key, value] of Object.entries(approval.params)) {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    lines.push(`${key}: ${shown.length > 400 ? `${shown.slice(0, 400)}…` : shown}`);
  }
  lines.push(`Reason: ${approval.reason}`);
  return lines.join('\n');
}
