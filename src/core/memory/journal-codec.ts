import { sha256Hex } from '../act/canonical-json';
import type { JournalEntry, JournalEntryType } from '../ports/journal';
import { crc32Hex } from './crc32';

/**
 * Framing of one journal line, independent of any file API:
 *
 *   {"seq":7,"at":1700000000000,"type":"action","data":{…},"prev":"<hash of line 6>","crc":"1a2b3c4d"}\n
 *
 * `crc` is the CRC-32 of the UTF-8 bytes of the line up to (not including) `,"crc"`, so a torn or
 * damaged line fails it; `prev` is the SHA-256 (first 32 hex digits) of the previous line's full text,
 * so removing, reordering or editing any earlier line breaks the chain at the next one.
 */
export const GENESIS_HASH = '0'.repeat(32);
const CRC_SUFFIX = /,"crc":"([0-9a-f]{8})"\}$/;
const JOURNAL_TYPES: ReadonlySet<string> = new Set<JournalEntryType>([
  'observation',
  'incident',
  'hypotheses',
  'decision',
  'action',
  'approval',
  'outcome',
  'automation',
  'cursor',
]);

const encoder = new TextEncoder();

export function lineHash(line: string): string {
  return sha256Hex(line).slice(0, 32);
}

/** The line for an entry (with its trailing newline) and its hash for the next line's `prev`. */
export function encodeEntry(entry: JournalEntry, prev: string): { line: string; hash: string } {
  const body = JSON.stringify({ seq: entry.seq, at: entry.at, type: entry.type, data: entry.data, prev });
  const head = body.slice(0, -1);
  const text = `${head},"crc":"${crc32Hex(encoder.encode(head))}"}`;
  return { line: `${text}\n`, hash: lineHash(text) };
}

export type DecodeResult =
  | { readonly ok: true; readonly entry: JournalEntry; readonly prev: string; readonly hash: string }
  | { readonly ok: false; readonly problem: string };

/** Checks one line (without its newline): framing, checksum, shape. Does not check the chain. */
export function decodeLine(text: string): DecodeResult {
  const m = CRC_SUFFIX.exec(text);
  if (!m) return { ok: false, problem: 'no checksum at the end of the line (torn or not a journal line)' };
  const head = text.slice(0, m.index);
  if (crc32Hex(encoder.encode(head)) !== m[1]) return { ok: false, problem: 'checksum mismatch (line damaged or edited)' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) return { ok: false, problem: 'not a JSON object' };
  if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 1) return { ok: false, problem: '`seq` is not a positive integer' };
  if (typeof o.at !== 'number') return { ok: false, problem: '`at` is not a number' };
  if (typeof o.type !== 'string' || !JOURNAL_TYPES.has(o.type)) return { ok: false, problem: `unknown entry type ${JSON.stringify(o.type)}` };
  if (typeof o.data !== 'object' || o.data === null || Array.isArray(o.data)) return { ok: false, problem: '`data` is not an object' };
  if (typeof o.prev !== 'string') return { ok: false, problem: '`prev` is missing' };
  return {
    ok: true,
    entry: { seq: o.seq as number, at: o.at, type: o.type as JournalEntryType, data: o.data as Record<string, unknown> },
    prev: o.prev,
    hash: lineHash(text),
  };
}

/** Walks decoded lines in order and reports the first break of the sequence or the hash chain. */
export class ChainChecker {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  count = 0;

  /** Returns a problem sentence, or undefined when the line continues the chain. */
  check(d: { entry: JournalEntry; prev: string; hash: string }): string | undefined {
    if (d.entry.seq !== this.expectedSeq) return `sequence ${d.entry.seq} where ${this.expectedSeq} was expected (an entry was removed, duplicated or reordered)`;
    if (d.prev !== this.prevHash) return 'hash of the previous line does not match (an earlier line was edited, removed or inserted)';
    this.expectedSeq++;
    this.prevHash = d.hash;
    this.count++;
    return undefined;
  }

  get lastHash(): string {
    return this.prevHash;
  }

  get lastSeq(): number {
    return this.expectedSeq - 1;
  }
}
