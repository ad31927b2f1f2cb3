/** Step logging with elapsed time, so a slow or stuck step is obvious in CI output. */
const t0 = Date.now();

export function say(message: string): void {
  const s = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[e2e ${s}s] ${message}\n`);
}

export function elapsedSeconds(): number {
  return (Date.now() - t0) / 1000;
}
