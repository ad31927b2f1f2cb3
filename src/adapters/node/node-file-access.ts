import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FileAccess, FileIdentity, OpenFile } from '../../core/ports/files';

/** Folders never worth listing for data files (also huge: listing them would make discovery slow). */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

function identityOf(stat: { ino: number; size: number; mtimeMs: number }): FileIdentity {
  return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** FileAccess over node:fs/promises. Reads go through an open handle, so a rotated file can still be drained. */
export const nodeFileAccess: FileAccess = {
  async stat(file) {
    try {
      const stat = await fs.stat(file);
      return stat.isFile() ? identityOf(stat) : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },

  async open(file): Promise<OpenFile> {
    const handle = await fs.open(file, 'r');
    return {
      stat: async () => identityOf(await handle.stat()),
      async read(position, length) {
        const buffer = Buffer.allocUnsafe(length);
        let filled = 0;
        // A regular-file read may return fewer bytes than asked before the end: keep reading until full or EOF.
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      },
      close: () => handle.close(),
    };
  },

  readFile: (file) => fs.readFile(file),

  async list(dir) {
    const out: string[] = [];
    await walk(dir, '', out);
    return out.sort();
  },
};

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
  } catch (error) {
    // A folder deleted while listing, or one we may not read: nothing to list there.
    const code = (error as { code?: string }).code;
    if (isMissing(error) || code === 'EACCES' || code === 'EPERM') return;
    throw error;
  }
  for (const entry of entries) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(root, child, out);
    } else if (entry.isFile()) {
      out.push(child);
    } else if (entry.isSymbolicLink()) {
      // Linked files are listed; linked folders are not followed (no cycles, no escaping the folder).
      const target = await fs.stat(path.join(root, child)).catch(() => undefined);
      if (target?.isFile()) out.push(child);
    }
  }
}
