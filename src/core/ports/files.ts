/**
 * File access for ingestion. The tailer reads by byte offset through an open handle so that a rotated
 * file can be drained through its old handle while the new file is opened at the same path.
 */
export interface FileIdentity {
  /** Inode (or equivalent) — changes when the path is replaced by another file. */
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface OpenFile {
  stat(): Promise<FileIdentity>;
  /** Reads up to `length` bytes at `position`; returns fewer at end of file. */
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export interface FileAccess {
  /** `undefined` when the path does not exist. */
  stat(path: string): Promise<FileIdentity | undefined>;
  open(path: string): Promise<OpenFile>;
  readFile(path: string): Promise<Buffer>;
  /** Lists files (not folders) under `dir`, recursively, relative paths with `/` separators. */
  list(dir: string): Promise<string[]>;
}
