/**
 * Identity of a file by its first bytes. Inodes get reused (a rotated file's inode can come back for the new
 * file), so, like Vector's file source, the tailer also checks that the head of the file is still what it read.
 */
export const HEAD_BYTES = 256;

export interface HeadFingerprint {
  /** How many bytes were hashed (less than HEAD_BYTES while the file is shorter). */
  readonly length: number;
  readonly hash: string;
}

/** FNV-1a, 32 bits: no crypto needed, only "is this still the same head". */
export function fingerprintHead(bytes: Uint8Array): HeadFingerprint {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return { length: bytes.length, hash: h.toString(16).padStart(8, '0') };
}
