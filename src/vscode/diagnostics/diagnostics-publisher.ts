import * as vscode from 'vscode';
import type { Incident } from '../../core/report/schema';
import type { AgentSession } from '../agent/agent-session';
import { DataFileLocator } from '../evidence/data-file-locator';
import { evidenceMessage } from '../views/incident-labels';

/**
 * Problems-panel entries for the data files: every invalid record as an error at its exact line and column,
 * and the evidence of each open or quiet incident as warnings ("COSMOS INC-12 webhook_auth_failure (0.86) —
 * 14 events, merchant M3") with related information pointing at the incident's tickets. Rebuilt (debounced)
 * whenever the snapshot changes; cleared when the agent stops and for incidents that resolve.
 */
export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cosmos');
  private readonly subscription: vscode.Disposable;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly session: AgentSession,
    private readonly locator: DataFileLocator,
  ) {
    this.subscription = session.onDidChangeSnapshot(() => this.schedule());
  }

  /** Rebuilds now (the debounce is for bursts of loop events). */
  publish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.session.running) {
      this.collection.clear();
      return;
    }
    const byFile = new Map<string, { uri: vscode.Uri; items: vscode.Diagnostic[] }>();
    const add = (file: string, d: vscode.Diagnostic) => {
      const uri = this.locator.uriOf(file);
      const entry = byFile.get(uri.toString()) ?? { uri, items: [] };
      entry.items.push(d);
      byFile.set(uri.toString(), entry);
    };

    for (const bad of this.session.invalidRecords()) {
      const d = new vscode.Diagnostic(lineRange(bad.line, bad.column), bad.message, vscode.DiagnosticSeverity.Error);
      d.source = 'COSMOS';
      d.code = 'invalid-record';
      add(bad.file, d);
    }
    for (const incident of this.session.snapshot().incidents) {
      if (incident.status === 'resolved') continue;
      for (const d of evidenceDiagnostics(incident, this.locator)) add(d.file, d.diagnostic);
    }

    this.collection.clear();
    for (const { uri, items } of byFile.values()) this.collection.set(uri, items);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
    this.collection.dispose();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.publish(), 150);
  }
}

/** From the record's first character to the end of its line (the editor clamps the end to the line). */
function lineRange(line: number, column: number | undefined): vscode.Range {
  const start = DataFileLocator.position(line, column);
  return new vscode.Range(start, new vscode.Position(start.line, Number.MAX_SAFE_INTEGER));
}

function evidenceDiagnostics(incident: Incident, locator: DataFileLocator): { file: string; diagnostic: vscode.Diagnostic }[] {
  const message = evidenceMessage(incident);
  const tickets = incident.evidence.filter((r) => r.kind === 'ticket');
  const related = tickets
    .slice(0, 20)
    .map(
      (t) =>
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(locator.uriOf(t.file), lineRange(t.line, t.column)),
          `ticket ${t.recordId} (${t.code}) from merchant ${t.merchantId}`,
        ),
    );
  // Ticket-only incidents (a documentation gap has no errors) put their warnings on the tickets themselves.
  const events = incident.evidence.filter((r) => r.kind === 'event');
  const primary = events.length > 0 ? events : tickets;
  return primary.map((ref) => {
      const d = new vscode.Diagnostic(lineRange(ref.line, ref.column), message, vscode.DiagnosticSeverity.Warning);
      d.source = 'COSMOS';
      d.code = incident.id;
      if (events.length > 0 && related.length) d.relatedInformation = related;
      return { file: ref.file, diagnostic: d };
    });
}
