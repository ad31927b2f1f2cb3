import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by source file and by function, and inclusive time of
 * the project's functions. Usage: node --import tsx bench/profile-summary.ts FILE_OR_DIR [TOP]
 * (a directory: its largest .cpuprofile, i.e. the main thread rather than the loader's worker).
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function pick(target: string): string {
  if (!statSync(target).isDirectory()) return target;
  const files = readdirSync(target)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(target, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!files[0]) throw new Error(`no .cpuprofile in ${target}`);
  return files[0];
}

function main(): void {
  const [target, topArg] = process.argv.slice(2);
  if (!target) throw new Error('usage: profile-summary.ts FILE_OR_DIR [TOP]');
  const top = Number(topArg ?? 20);
  const file = pick(target);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfById = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    selfById.set(id, (selfById.get(id) ?? 0) + dt);
    total += dt;
  });
  const short = (url: string): string => {
    const m = /\/(src|bench|test|node_modules)\/(.*)$/.exec(url);
    if (!m) return url || '(native)';
    if (m[1] === 'node_modules') return `node_modules/${m[2]!.split('/')[0]}`;
    return `${m[1]}/${m[2]}`;
  };
  const fnKey = (cf: CallFrame): string => `${cf.functionName || '(anonymous)'} ${short(cf.url)}:${cf.lineNumber + 1}`;
  const byFile = new Map<string, number>();
  const byFn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of selfById) {
    const cf = byId.get(id)!.callFrame;
    const fileKey = cf.url ? short(cf.url) : cf.functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + t);
    byFn.set(fnKey(cf), (byFn.get(fnKey(cf)) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!;
      if (!/\/src\//.test(node.callFrame.url)) continue;
      const k = fnKey(node.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + t);
    }
  }
  const show = (title: string, m: Map<string, number>): void => {
    console.log(`\n${title}`);
    for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${(t / 1000).toFixed(0).padStart(8)} ms ${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`);
    }
  };
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  show('self time by file', byFile);
  show('self time by function', byFn);
  show('inclusive time, project functions (src/)', inclusive);
}

main();
