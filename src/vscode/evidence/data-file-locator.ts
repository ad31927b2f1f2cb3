import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { EvidenceRef } from '../../core/report/schema';

/**
 * Turns the file names in the agent's report (relative to the workspace folder they were found in, prefixed
 * with that folder's name in a multi-root workspace, or absolute) into URIs. Otherwise a relative name is
 * looked up in each folder, first match wins;
 * answers are cached because diagnostics and CodeLens ask for the same few files over and over.
 */
export class DataFileLocator {
  private readonly cache = new Map<string, vscode.Uri>();

  uriOf(file: string): vscode.Uri {
    const cached = this.cache.get(file);
    if (cached) return cached;
    const uri = vscode.Uri.file(this.resolve(file));
    this.cache.set(file, uri);
    return uri;
  }

  /** Forget cached answers (workspace folders changed, or the agent restarted). */
  reset(): void {
    this.cache.clear();
  }

  /** Zero-based position of a 1-based line/column. */
  static position(line: number, column: number | undefined): vscode.Position {
    return new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1));
  }

  async open(ref: Pick<EvidenceRef, 'file' | 'line' | 'column'>): Promise<void> {
    const at = DataFileLocator.position(ref.line, ref.column);
    await vscode.window.showTextDocument(this.uriOf(ref.file), {
      selection: new vscode.Range(at, at),
      preview: true,
    });
  }

  private resolve(file: string): string {
    if (path.isAbsolute(file)) return file;
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    // With several roots the agent labels each file with its folder's name: `shop-a/events.ndjson`.
    if (roots.length > 1) {
      const slash = file.indexOf('/');
      const owner = slash > 0 ? roots.find((r) => path.basename(r) === file.slice(0, slash)) : undefined;
      if (owner) return path.join(owner, file.slice(slash + 1));
    }
    for (const root of roots) {
      const candidate = path.join(root, file);
      if (existsSync(candidate)) return candidate;
    }
    return path.join(roots[0] ?? '', file);
  }
}
