/**
 * Lets the event loop run (I/O, UI messages) in the middle of a long synchronous stretch. A first read of a large
 * file can hold hundreds of thousands of records; the extension host is flagged unresponsive after 3 s of blocking.
 */
export const RECORDS_PER_SLICE = 4096;

export function yieldNow(): Promise<void> {
  // setImmediate, not setTimeout(0): a timer waits at least 1 ms, thousands of times over a large file.
  return new Promise((resolve) => setImmediate(resolve));
}
