import type { ActionReport, Hypothesis, Incident, Scope } from '../../core/report/schema';

/** Pure label formatting for the Incidents view, CodeLens and diagnostics (no `vscode` import: unit-testable). */

export const SCOPE_LABEL: Record<Scope, string> = {
  platform: 'platform-wide',
  multi_merchant: 'multi-merchant',
  merchant: 'single merchant',
};

export function causeOf(incident: Incident): string {
  return incident.cause ?? 'diagnosing';
}

export function confidenceText(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(2);
}

/** "M1, M3, M7" or "M1, M3, M7 +9". */
export function merchantsText(merchants: readonly string[], max = 3): string {
  if (merchants.length === 0) return 'no merchant';
  const shown = merchants.slice(0, max).join(', ');
  return merchants.length > max ? `${shown} +${merchants.length - max}` : shown;
}

/** "0.86 · multi-merchant · M1, M3, M7". */
export function incidentDescription(incident: Incident): string {
  return [confidenceText(incident.confidence), SCOPE_LABEL[incident.scope], merchantsText(incident.merchants)].join(' · ');
}

/** "COSMOS INC-12 webhook_auth_failure (0.86) — 14 events, merchant M3". */
export function evidenceMessage(incident: Incident): string {
  const events = incident.features.eventCount;
  const who =
    incident.merchants.length === 1 ? `merchant ${incident.merchants[0]}` : `${incident.merchants.length} merchants (${merchantsText(incident.merchants)})`;
  const tickets = incident.features.ticketCount > 0 ? `, ${incident.features.ticketCount} ticket${incident.features.ticketCount === 1 ? '' : 's'}` : '';
  return `COSMOS ${incident.id} ${causeOf(incident)} (${confidenceText(incident.confidence)}) — ${Math.round(events)} event${events === 1 ? '' : 's'}${tickets}, ${who}`;
}

export function hypothesisSource(h: Hypothesis): string {
  return h.source.kind === 'rule' ? `rule ${h.source.ruleId}` : `LLM ${h.source.model}`;
}

export const ACTION_STATUS_LABEL: Record<ActionReport['status'], string> = {
  executed: 'executed',
  pending_approval: 'waiting for approval',
  blocked: 'blocked',
  skipped: 'skipped',
  failed: 'failed',
};

/** Severity derived from scope: the wider the blast radius, the more urgent. */
export type Severity = 'critical' | 'high' | 'moderate';
export function severityOf(incident: Incident): Severity {
  return incident.scope === 'platform' ? 'critical' : incident.scope === 'multi_merchant' ? 'high' : 'moderate';
}
