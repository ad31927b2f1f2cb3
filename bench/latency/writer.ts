import { appendFileSync } from 'node:fs';

/**
 * The writer process of the latency benchmark: appends NDJSON events to FILE as told by PLAN (JSON:
 * `[{ "kind": "paced", "count": N, "perSecond": R } | { "kind": "burst", "count": N } | { "kind": "pause", "ms": M }]`)
 * and prints, for every append, `A <firstSeq> <count> <wallMs>` the moment the write returned. Wall time is
 * performance.timeOrigin + performance.now(), the same clock the benchmark reads.
 */
interface Step {
  readonly kind: 'paced' | 'burst' | 'pause';
  readonly count?: number;
  readonly perSecond?: number;
  readonly ms?: number;
}

const wall = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

let seq = 0;
const BASE = Date.UTC(2026, 0, 31, 9, 0, 0);
const MERCHANTS = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8'];
const CODES: readonly [string, string][] = [
  ['http_404', 'frontend'],
  ['slow_response', 'api'],
  ['cache_miss', 'frontend'],
  ['client_disconnect', 'api'],
];

function line(): string {
  const n = seq++;
  const [code, service] = CODES[n % CODES.length]!;
  // Event time advances 100 ms per record: the run stays within a few windows.
  const ts = new Date(BASE + n * 100).toISOString().replace('Z', '');
  return `{"event_id":"L${n}","merchant_id":"${MERCHANTS[n % MERCHANTS.length]}","error_code":"${code}","service":"${service}","timestamp":"${ts}"}\n`;
}

async function main(): Promise<void> {
  const [file, planText] = process.argv.slice(2);
  if (!file || !planText) throw new Error('usage: writer.ts FILE PLAN_JSON');
  const plan = JSON.parse(planText) as Step[];
  for (const step of plan) {
    if (step.kind === 'pause') {
      await sleep(step.ms ?? 0);
    } else if (step.kind === 'burst') {
      const first = seq;
      let text = '';
      for (let i = 0; i < (step.count ?? 0); i++) text += line();
      appendFileSync(file, text);
      process.stdout.write(`A ${first} ${step.count} ${wall()}\n`);
    } else {
      const interval = 1000 / (step.perSecond ?? 50);
      const start = wall();
      for (let i = 0; i < (step.count ?? 0); i++) {
        await sleep(start + i * interval - wall());
        const first = seq;
        appendFileSync(file, line());
        process.stdout.write(`A ${first} 1 ${wall()}\n`);
      }
    }
  }
  process.stdout.write('DONE\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
