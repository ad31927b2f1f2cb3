import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32Hex } from '../../core/memory/crc32';
import type { SnapshotStore } from '../../core/ports/journal';
import { fsyncDir } from './file-journal';

export interface FileSnapshotOptions<T> {
  /** Checks the loaded value (e.g. a zod `parse`); a snapshot that fails is ignored, as the journal can rebuild it. */
  readonly validate?: (value: unknown) => T;
}

/**
 * State snapshot written atomically: temp file + fsync + rename + directory fsync. The file is a CRC line
 * then the JSON, so a half-written temp file is recognised and ignored. If a crash leaves only the temp
 * file (after its fsync, before the rename), `load()` takes it.
 */
export class FileSnapshotStore<T> implements SnapshotStore<T> {
  private readonly tmp: string;
  private chain: Promise<unknown> = Promise.resolve();
  /** Why the last `load()` ignored a file, for the log. */
  lastProblem: string | undefined;

  constructor(
    readonly path: string,
    private readonly options: FileSnapshotOptions<T> = {},
  ) {
    this.tmp = join(dirname(path), `.${basename(path)}.tmp`);
  }

  save(state: T): Promise<void> {
    const run = this.chain.then(() => this.write(state));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(state: T): Promise<void> {
    const json = JSON.stringify(state);
    const body = `${crc32Hex(Buffer.from(json, 'utf8'))}\n${json}`;
    await fsp.mkdir(dirname(this.path), { recursive: true });
    const h = await fsp.open(this.tmp, 'w');
    try {
      await h.writeFile(body, 'utf8');
      await h.sync();
    } finally {
      await h.close();
    }
    await fsp.rename(this.tmp, this.path);
    await fsyncDir(dirname(this.path));
  }

  async load(): Promise<T | undefined> {
    this.lastProblem = undefined;
    const main = await this.read(this.path);
    if (main.kind === 'ok') return main.value;
    // A valid final file always wins; the temp file only matters when the final one is missing.
    if (main.kind === 'bad') {
      this.lastProblem = `${this.path}: ${main.problem}`;
      return undefined;
    }
    const tmp = await this.read(this.tmp);
    if (tmp.kind === 'ok') return tmp.value;
    if (tmp.kind === 'bad') this.lastProblem = `${this.tmp}: ${tmp.problem}`;
    return undefined;
  }

  private async read(path: string): Promise<{ kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'bad'; problem: string }> {
    let text: string;
    try {
      text = await fsp.readFile(path, 'utf8');
    } catch {
      return { kind: 'missing' };
    }
    const nl = text.indexOf('\n');
    if (nl !== 8) return { kind: 'bad', problem: 'no checksum header (incomplete write)' };
    const json = text.slice(nl + 1);
    if (crc32Hex(Buffer.from(json, 'utf8')) !== text.slice(0, 8)) return { kind: 'bad', problem: 'checksum mismatch (incomplete or damaged write)' };
    try {
      const value: unknown = JSON.parse(json);
      return { kind: 'ok', value: this.options.validate ? this.options.validate(value) : (value as T) };
    } catch (err) {
      return { kind: 'bad', problem: err instanceof Error ? err.message : String(err) };
    }
  }
}
