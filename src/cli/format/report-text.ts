import type { ActionReport, Incident, Report } from '../../core/report/schema';

/** Untrusted text (ids, codes, ticket-derived strings) never carries terminal control sequences to the screen. */
export function safe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '�');
}

const pct = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(2));
const time = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

const STATUS_MARK: Record<ActionReport['status'], string> = {
  executed: '✔ executed',
  pending_approval: '⏳ waiting for approval',
  blocked: '⛔ blocked',
  skipped: '· skipped',
  failed: '✖ failed',
};

/** The human form of `cosmos analyze`: sources, bad records, then each incident's ORDA trace. */
export function formatReport(report: Report, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`COSMOS analysis of ${safe(report.dataDir)}${report.asOf ? ` (data up to ${time(report.asOf)})` : ''}`);
  out.push('');
  out.push('Sources');
  if (report.sources.length === 0) out.push('  (no events*/tickets* files found — see README "Data contract")');
  for (const s of report.sources) {
    out.push(`  ${safe(s.file)}  ${s.kind} · ${s.format} · ${s.records} valid${s.invalid ? ` · ${s.invalid} invalid` : ''}`);
  }
  if (report.invalidRecords.length) {
    out.push('');
    out.push(`Invalid records (${report.summary.invalid}) — skipped, the records around them were kept`);
    for (const r of report.invalidRecords.slice(0, opts.verbose ? undefined : 50)) out.push(`  ${safe(r.file)}:${r.line}:${r.column} — ${safe(r.message)}`);
    if (!opts.verbose && report.invalidRecords.length > 50) out.push(`  … ${report.invalidRecords.length - 50} more (use --json for all)`);
  }
  if (report.llm) {
    out.push('');
    out.push(`LLM (${report.llm.mode}): ${safe(report.llm.status)}`);
    if (report.llm.escalated) {
      out.push(`  ${report.llm.escalated} ambiguous incident(s) escalated:`);
      for (const e of report.llm.escalations) out.push(`    ${e.incidentId}: ${e.reasons.map(safe).join('; ')}`);
    }
  }
  out.push('');
  out.push(`Incidents (${report.incidents.length})`);
  if (report.incidents.length === 0) out.push('  none: no anomaly crossed a threshold');
  for (const i of report.incidents) out.push(...formatIncident(i, opts));
  out.push('');
  const s = report.summary;
  out.push(
    `Summary: ${s.records} records, ${s.invalid} invalid, ${s.incidents} incident(s), ${s.executed ?? 0} action(s) executed, ${s.pendingApprovals ?? 0} waiting for approval`,
  );
  return out.join('\n');
}

export function formatIncident(i: Incident, opts: { verbose?: boolean } = {}): string[] {
  const out: string[] = [''];
  const cause = i.cause ? `${i.cause} (${pct(i.confidence)})` : 'not reasoned yet';
  out.push(`■ ${i.id} ${safe(i.title)} — ${i.status}${i.reopened ? `, reopened ×${i.reopened}` : ''}`);
  out.push(`  scope ${i.scope} · merchants ${safe(i.merchants.join(', '))} · ${time(i.firstSeen)} → ${time(i.lastSeen)}`);
  out.push(`  fingerprint ${i.fingerprint}`);
  out.push(`  Observe: ${i.features.eventCount} events, ${i.features.ticketCount} tickets; observation confidence ${pct(i.observationConfidence.value)}`);
  for (const f of i.observationConfidence.factors) out.push(`    − ${safe(f.name)} (${f.delta.toFixed(2)}): ${safe(f.detail)}`);
  for (const a of i.anomalies.slice(0, opts.verbose ? undefined : 4)) out.push(`    ⚑ ${a.detector}: ${safe(a.explanation)}`);
  if (!opts.verbose && i.anomalies.length > 4) out.push(`    … ${i.anomalies.length - 4} more anomalies`);
  const ev = i.evidence.slice(0, opts.verbose ? undefined : 3);
  out.push(`    evidence: ${ev.map((e) => `${safe(e.file)}:${e.line} (${safe(e.recordId)})`).join(', ')}${i.evidence.length > ev.length ? `, … ${i.evidence.length - ev.length} more` : ''}`);
  out.push(`  Reason [${i.reasoningMode ?? 'deterministic'}]: ${cause}`);
  if (i.ambiguity?.ambiguous) out.push(`    ambiguous: ${i.ambiguity.reasons.map(safe).join('; ')}`);
  for (const h of (i.hypotheses ?? []).slice(0, 3)) {
    const src = h.source.kind === 'rule' ? `rule ${h.source.ruleId}` : `LLM ${safe(h.source.model)}`;
    out.push(`    • ${h.cause} ${pct(h.confidence)} — ${src}: ${safe(h.explanation)}`);
    if (h.calibration) out.push(`      calibrated: ${safe(h.calibration.detail)}`);
  }
  if (i.llm?.error) out.push(`    LLM fallback: ${safe(i.llm.error)}`);
  if (i.decision) {
    out.push(`  Decide: ${safe(i.decision.summary)}`);
    if (i.decision.bindingGate) out.push(`    binding gate: ${i.decision.bindingGate}${i.decision.margin !== undefined ? ` (margin ${i.decision.margin.toFixed(2)})` : ''}`);
    out.push('  Act:');
    for (const a of i.decision.actions) {
      out.push(`    ${STATUS_MARK[a.status]}  ${a.type} [${a.risk} risk]${a.approvalId ? ` ${a.approvalId}` : ''} — ${safe(a.reason)}`);
      if (a.result) out.push(`      → ${safe(a.result)}`);
      if (a.error) out.push(`      ✖ ${safe(a.error)}`);
      const failed = a.gates.filter((g) => !g.passed);
      for (const g of opts.verbose ? a.gates : failed) out.push(`      ${g.passed ? '✓' : '✗'} ${g.name}: ${safe(g.detail)}`);
    }
  }
  return out;
}
