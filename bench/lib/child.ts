import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BENCHMARKS } from '../benchmarks';
import type { BenchResult } from './report';

/**
 * Runs one benchmark in this (fresh) process and writes its result as JSON to the given file. Each benchmark gets
 * its own process so that one's heap, JIT state and open handles never colour another's figures.
 * Usage: node --expose-gc --import tsx bench/lib/child.ts ID RESULT_FILE [--quick]
 */
async function main(): Promise<void> {
  const [id, resultFile] = process.argv.slice(2);
  const quick = process.argv.includes('--quick');
  const bench = BENCHMARKS.find((b) => b.id === id);
  if (!bench || !resultFile) throw new Error(`usage: child.ts ID RESULT_FILE [--quick] (known: ${BENCHMARKS.map((b) => b.id).join(', ')})`);
  const repo = path.resolve(__dirname, '..', '..');
  const tmp = path.join(repo, 'bench', '.tmp');
  mkdirSync(tmp, { recursive: true });
  const started = performance.now();
  const out = await bench.run({ quick, tmp, repo, log: (line) => process.stdout.write(`${line}\n`) });
  const result: BenchResult = { id: bench.id, title: bench.title, ...out, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
  writeFileSync(resultFile, JSON.stringify(result));
}

main().then(
  // Some benchmarks leave servers or watchers that would keep the process alive a little: the result is written.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
