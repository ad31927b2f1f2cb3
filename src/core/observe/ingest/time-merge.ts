import type { SignalRecord } from '../signal';

/**
 * Merges the files of a budgeted backlog read by event time. A budget slice of a sparse file (a day of tickets)
 * spans far more time than a slice of a dense one (minutes of API events). Handed over as read, the sparse file
 * would run ahead: the Observer's horizon would follow it, and the dense file's next slices would arrive "late"
 * and be skipped. So a file's records are held back while they are newer than the frontier — the least, over
 * the files still being drained, of the newest event time read from each — and a file that is ahead is not read
 * again until its held records are released. The file with the least frontier always has nothing held, so every
 * poll reads something and the backlog drains; once no file has bytes left, everything is released.
 * Memory: at most one slice per file is held.
 */
export class TimeMerge {
  private readonly lanes = new Map<string, Lane>();

  /** A file whose last slice is not all handed over yet: skip reading it in this poll. */
  isAhead(file: string): boolean {
    return (this.lanes.get(file)?.held.length ?? 0) > 0;
  }

  /**
   * Records just read from `file`, in file order; `more`: its budget ran out with bytes left. The merge takes
   * the array over (no copy: a backlog passes every record through here); the caller must not use it again.
   */
  offer(file: string, records: SignalRecord[], more: boolean): void {
    const lane = this.lane(file);
    lane.more = more;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as SignalRecord;
      if (r.timestamp > lane.frontier) lane.frontier = r.timestamp;
    }
    if (lane.held.length === 0) lane.held = records;
    else for (let i = 0; i < records.length; i++) lane.held.push(records[i] as SignalRecord);
  }

  /** The file could not be read: it does not hold the others back (a failure is reported, not waited for). */
  stalled(file: string): void {
    this.lane(file).more = false;
  }

  /**
   * Hands over every record no newer than the frontier (files in the given order, each in file order).
   * `pending`: something is left to read or release, so the caller polls again before waiting.
   */
  release(files: readonly string[]): { records: SignalRecord[]; pending: boolean } {
    let frontier = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes.values()) if (lane.more && lane.frontier < frontier) frontier = lane.frontier;
    let out: SignalRecord[] | undefined;
    let pending = false;
    for (const file of files) {
      const lane = this.lanes.get(file);
      if (lane === undefined) continue;
      if (lane.held.length > 0) {
        let due: SignalRecord[];
        if (lane.frontier <= frontier) {
          // Nothing held is newer than the frontier: the whole array goes (the usual case, and no copy).
          due = lane.held;
          lane.held = [];
        } else {
          due = [];
          const kept: SignalRecord[] = [];
          for (const r of lane.held) (r.timestamp <= frontier ? due : kept).push(r);
          lane.held = kept;
        }
        if (out === undefined) out = due;
        else for (let i = 0; i < due.length; i++) out.push(due[i] as SignalRecord);
      }
      if (lane.more || lane.held.length > 0) pending = true;
    }
    return { records: out ?? [], pending };
  }

  forget(file: string): void {
    this.lanes.delete(file);
  }

  private lane(file: string): Lane {
    let lane = this.lanes.get(file);
    if (lane === undefined) {
      lane = { held: [], frontier: Number.NEGATIVE_INFINITY, more: false };
      this.lanes.set(file, lane);
    }
    return lane;
  }
}

interface Lane {
  held: SignalRecord[];
  /** Newest event time read from the file so far. */
  frontier: number;
  /** The file's last poll stopped at the budget with bytes left. */
  more: boolean;
}
