import type { FileAccess, FileIdentity, OpenFile } from '../../src/core/ports/files';

/**
 * An in-memory FileAccess with real file semantics where the tailer relies on them: an open handle keeps reading
 * its own file after the path is renamed or replaced, inodes are unique, mtime moves on every write. Used by the
 * input fuzzer so that 10,000s of framing cases go through the real tailer without touching the disk.
 */
interface MemFile {
  readonly ino: number;
  data: Buffer;
  mtimeMs: number;
}

export class MemFiles implements FileAccess {
  private readonly paths = new Map<string, MemFile>();
  private nextIno = 1;
  private clock = 1;

  write(path: string, bytes: Buffer): void {
    this.paths.set(path, { ino: this.nextIno++, data: Buffer.from(bytes), mtimeMs: this.clock++ });
  }

  append(path: string, bytes: Buffer): void {
    const f = this.paths.get(path);
    if (!f) return this.write(path, bytes);
    f.data = Buffer.concat([f.data, bytes]);
    f.mtimeMs = this.clock++;
  }

  async stat(path: string): Promise<FileIdentity | undefined> {
    const f = this.paths.get(path);
    return f ? identity(f) : undefined;
  }

  async open(path: string): Promise<OpenFile> {
    const f = this.paths.get(path);
    if (!f) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return {
      stat: async () => identity(f),
      read: async (position, length) => Buffer.from(f.data.subarray(position, position + length)),
      close: async () => undefined,
    };
  }

  async readFile(path: string): Promise<Buffer> {
    const f = this.paths.get(path);
    if (!f) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return Buffer.from(f.data);
  }

  async list(): Promise<string[]> {
    return [...this.paths.keys()].sort();
  }
}

function identity(f: MemFile): FileIdentity {
  return { ino: f.ino, size: f.data.length, mtimeMs: f.mtimeMs };
}
