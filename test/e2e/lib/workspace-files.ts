import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURE_WORKSPACE } from './paths';

/** A fresh copy of the fixture workspace (the walk writes into it: drafts, appended events). */
export function copyFixtureWorkspace(workspaceSettings: Record<string, unknown>, fixture = FIXTURE_WORKSPACE): string {
  const dir = mkdtempSync('/tmp/csw-');
  cpSync(fixture, dir, { recursive: true });
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings, null, 2));
  return dir;
}

/** Every file under `dir` (relative paths), or [] when it does not exist. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** The extension's workspace storage folder(s) under a code-server user-data dir (`…/workspaceStorage/<hash>/cosmos-ops.cosmos`). */
export function extensionStorageDirs(userData: string): string[] {
  const root = join(userData, 'User', 'workspaceStorage');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((hash) => join(root, hash, 'cosmos-ops.cosmos'))
    .filter((d) => existsSync(d));
}

/** Concatenated text of every file in the extension's storage (journal, snapshot): what "the journal records". */
export function storageText(userData: string): string {
  return extensionStorageDirs(userData)
    .flatMap((d) => listFiles(d).map((f) => readFileSync(join(d, f), 'utf8')))
    .join('\n');
}

/** One parsed journal line (`{"seq":…,"type":"action","data":{…}}`) from the extension's storage. */
export interface JournalLine {
  readonly seq: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** Every journal entry the extension wrote, in file order (snapshots and other files are skipped). */
export function journalEntries(userData: string): JournalLine[] {
  const out: JournalLine[] = [];
  for (const line of storageText(userData).split('\n')) {
    if (!line.startsWith('{"seq":')) continue;
    try {
      const entry = JSON.parse(line) as JournalLine;
      if (typeof entry.type === 'string' && entry.data && typeof entry.data === 'object') out.push(entry);
    } catch {
      // a torn last line while the extension writes: read again on the next poll
    }
  }
  return out;
}

