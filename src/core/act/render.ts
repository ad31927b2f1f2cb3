import type { Incident } from '../report/schema';
import { checklistFor } from './checklists';
import { mdChecklist, mdList, mdText, pct } from './markdown';
import type { ActionParams } from './params';

/**
 * Content of the files and payloads actions produce. Ticket bodies are never copied: drafts cite ticket
 * ids and evidence locations, which is what a support engineer needs to open the originals.
 */
const MAX_EVIDENCE_LINES = 20;
const MAX_LISTED_MERCHANTS = 50;

function header(incident: Incident): string {
  const cause = incident.cause ?? 'unknown';
  return [
    `- Incident: ${mdText(incident.id)}`,
    `- Cause: ${mdText(cause)} (confidence ${pct(incident.confidence)}, ${mdText(incident.reasoningMode ?? 'deterministic')} reasoning)`,
    `- Scope: ${mdText(incident.scope)}, ${incident.merchants.length} merchant(s)`,
    `- Fingerprint: ${mdText(incident.fingerprint)}`,
  ].join('\n');
}

function evidenceLines(incident: Incident, merchantId?: string): string[] {
  const refs = merchantId === undefined ? incident.evidence : incident.evidence.filter((e) => e.merchantId === merchantId);
  const lines = refs
    .slice(0, MAX_EVIDENCE_LINES)
    .map((e) => `${mdText(e.file)}:${e.line} — ${mdText(e.kind)} ${mdText(e.recordId)}, ${mdText(e.code)}, merchant ${mdText(e.merchantId)}, ${new Date(e.timestamp).toISOString()}`);
  if (refs.length > MAX_EVIDENCE_LINES) lines.push(`… and ${refs.length - MAX_EVIDENCE_LINES} more`);
  return lines;
}

function strings(params: ActionParams, name: string): string[] {
  const v = params[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function renderSupportReply(incident: Incident, params: ActionParams, merchantId: string): string {
  const checklist = checklistFor(incident.cause);
  const tickets = incident.evidence.filter((e) => e.kind === 'ticket' && e.merchantId === merchantId).map((e) => e.recordId);
  const ticketIds = tickets.length > 0 ? [...new Set(tickets)].sort() : strings(params, 'ticketIds');
  return [
    `# Reply draft for merchant ${mdText(merchantId)}`,
    '',
    '> Draft written by COSMOS for a support engineer to review before sending. It cites tickets by id and does not copy their text.',
    '',
    header(incident),
    `- Tickets: ${ticketIds.length > 0 ? ticketIds.map((t) => mdText(t)).join(', ') : '(none)'}`,
    '',
    '## Reply',
    '',
    `Hello,`,
    '',
    `We looked into the errors your store has been seeing during the migration. They match a known pattern (${mdText(incident.cause ?? 'unknown')}), and the steps below resolve it in most cases:`,
    '',
    `### ${checklist.title}`,
    '',
    mdChecklist(checklist.steps).trimEnd(),
    '',
    'If the errors continue after these steps, reply to this message and we will escalate it to engineering.',
    '',
    '## Evidence for this merchant',
    '',
    mdList(evidenceLines(incident, merchantId)).trimEnd(),
    '',
  ].join('\n');
}

export function renderDocSuggestion(incident: Incident, params: ActionParams): string {
  const checklist = checklistFor(incident.cause);
  return [
    `# Documentation suggestion: ${mdText(checklist.docTopic)}`,
    '',
    header(incident),
    `- Codes and ticket issues: ${strings(params, 'codes').map((c) => mdText(c)).join(', ') || '(none)'}`,
    `- Tickets: ${strings(params, 'ticketIds').map((t) => mdText(t)).join(', ') || '(none)'}`,
    '',
    '## Why',
    '',
    `${incident.merchants.length} merchant(s) ran into ${mdText(incident.cause ?? 'unknown')} during migration. A section on ${mdText(checklist.docTopic)} with the steps below would let merchants fix it without a ticket.`,
    '',
    `## Proposed section: ${checklist.title}`,
    '',
    mdChecklist(checklist.steps).trimEnd(),
    '',
  ].join('\n');
}

export function renderEscalation(incident: Incident, params: ActionParams): string {
  const merchants = strings(params, 'merchants');
  const shown = merchants.slice(0, MAX_LISTED_MERCHANTS).map((m) => mdText(m));
  if (merchants.length > MAX_LISTED_MERCHANTS) shown.push(`… and ${merchants.length - MAX_LISTED_MERCHANTS} more`);
  const hypotheses = (incident.hypotheses ?? []).map((h) => {
    const source = h.source.kind === 'rule' ? `rule ${mdText(h.source.ruleId)}` : `model ${mdText(h.source.model)}`;
    return `${mdText(h.cause)} — ${pct(h.confidence)} (${source})`;
  });
  return [
    `# Engineering escalation: ${mdText(incident.cause ?? 'unknown')} (${mdText(incident.id)})`,
    '',
    header(incident),
    `- First seen: ${new Date(incident.firstSeen).toISOString()}; last seen: ${new Date(incident.lastSeen).toISOString()}`,
    `- Tickets: ${strings(params, 'ticketIds').map((t) => mdText(t)).join(', ') || '(none)'}`,
    '',
    '## Signatures',
    '',
    mdList(incident.signatures.map((s) => `${mdText(s.signature)}: ${s.count} occurrence(s), ${s.merchants.length} merchant(s)`)).trimEnd(),
    '',
    '## Hypotheses',
    '',
    mdList(hypotheses).trimEnd(),
    '',
    '## Affected merchants',
    '',
    mdList(shown).trimEnd(),
    '',
    '## Evidence',
    '',
    mdList(evidenceLines(incident)).trimEnd(),
    '',
    `## Suggested first steps (${checklistFor(incident.cause).title})`,
    '',
    mdChecklist(checklistFor(incident.cause).steps).trimEnd(),
    '',
  ].join('\n');
}

/** JSON bodies carry only structured fields; `text` is built from ids, enums and numbers. */
export function webhookPayload(incident: Incident, params: ActionParams): Record<string, unknown> {
  const cause = incident.cause ?? 'unknown';
  return {
    source: 'cosmos',
    kind: 'incident',
    incidentId: incident.id,
    fingerprint: incident.fingerprint,
    cause,
    confidence: incident.confidence ?? null,
    scope: params.scope ?? incident.scope,
    merchantCount: incident.merchants.length,
    firstSeen: new Date(incident.firstSeen).toISOString(),
    lastSeen: new Date(incident.lastSeen).toISOString(),
    text: `COSMOS: incident ${incident.id} — ${cause} (${incident.scope}, ${incident.merchants.length} merchant(s), confidence ${pct(incident.confidence)})`,
  };
}

export function escalationPayload(incident: Incident, params: ActionParams): Record<string, unknown> {
  return {
    ...webhookPayload(incident, params),
    kind: 'escalation',
    merchants: strings(params, 'merchants').slice(0, MAX_LISTED_MERCHANTS),
    ticketIds: strings(params, 'ticketIds'),
    signatures: incident.signatures.map((s) => ({ signature: s.signature, count: s.count, merchants: s.merchants.length })),
    evidence: incident.evidence.slice(0, MAX_EVIDENCE_LINES).map((e) => ({ file: e.file, line: e.line, recordId: e.recordId, code: e.code })),
    report: params.file,
  };
}

export function monitorNote(incident: Incident): string {
  return `monitoring incident ${incident.id}: ${incident.cause ?? 'unknown'} at ${pct(incident.confidence)} confidence, ${incident.scope} scope, ${incident.merchants.length} merchant(s)`;
}
