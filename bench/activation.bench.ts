import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { extensionOptions } from '../esbuild.options.mjs';
import { check, figure, fmt, fmtSummary, type Benchmark } from './lib/report';
import { summarise } from './lib/stats';

const PROCESSES = 21;

interface ChildTimes {
  readonly requireMs: number;
  readonly activateMs: number;
  readonly totalMs: number;
  readonly reportedMs?: number;
  readonly registered: { commands: number; treeViews: number; codeLens: number; statusItems: number };
  readonly rssMb: number;
}

export interface Baseline {
  extensionBundle: { productionBytes: number; developmentBytes: number; recordedAt: string; note: string };
}

export const BASELINE_FILE = path.resolve(__dirname, 'baseline.json');

/**
 * Issue 7, item 6: the extension bundle's size (fails on > 10 % growth against bench/baseline.json) and the time to
 * require it and run activate() with a stub `vscode` and context, median of 21 fresh processes, beside the time to
 * require an empty module in the same processes' conditions (interleaved). `--update-baseline` rewrites the baseline.
 */
export const activationBench: Benchmark = {
  id: 'activation',
  title: 'Extension activation',
  async run(ctx) {
    const work = path.join(ctx.tmp, 'activation');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    // The bundles are built here with esbuild.mjs's options for the extension entry (so other builds running in
    // the same checkout cannot swap dist/ under the measurement): production is what the .vsix ships.
    const build = async (production: boolean): Promise<string> => {
      const outdir = path.join(work, production ? 'prod' : 'dev');
      await esbuild.build({ ...extensionOptions(production), absWorkingDir: ctx.repo, outdir, logLevel: 'silent' });
      return path.join(outdir, 'extension.js');
    };
    const prod = await build(true);
    const dev = await build(false);
    const sizes = { production: statSync(prod).size, development: statSync(dev).size };
    const dist = path.join(ctx.repo, 'dist', 'extension.js');
    const distBytes = existsSync(dist) ? statSync(dist).size : undefined;
    const child = path.join(work, 'child.js');
    await esbuild.build({
      entryPoints: [path.join(ctx.repo, 'bench', 'activation', 'activation-child.ts')],
      outfile: child,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
    });
    const empty = path.join(work, 'empty.js');
    writeFileSync(empty, 'module.exports = {};\n');
    const storage = path.join(work, 'storage');
    mkdirSync(storage, { recursive: true });
    ctx.log(`  bundles: production ${fmt(sizes.production / 1024, 1)} KB, development ${fmt(sizes.development / 1024, 1)} KB${distBytes ? `, dist/extension.js as built now ${fmt(distBytes / 1024, 1)} KB` : ''}`);

    const once = (mode: 'activate' | 'empty'): Promise<ChildTimes & { processMs: number }> =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const p = spawn(process.execPath, [child, mode, mode === 'activate' ? prod : empty, ctx.repo, storage], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('exit', (code) => {
          const processMs = performance.now() - started;
          if (code !== 0) return reject(new Error(`activation child (${mode}) exited ${code}: ${err.trim()}`));
          try {
            resolve({ ...(JSON.parse(out.trim().split('\n').pop()!) as ChildTimes), processMs });
          } catch {
            reject(new Error(`activation child (${mode}) printed no result: ${out}${err}`));
          }
        });
      });

    const activations: (ChildTimes & { processMs: number })[] = [];
    const empties: (ChildTimes & { processMs: number })[] = [];
    await once('empty');
    await once('activate');
    for (let i = 0; i < PROCESSES; i++) {
      if (i % 2 === 0) {
        activations.push(await once('activate'));
        empties.push(await once('empty'));
      } else {
        empties.push(await once('empty'));
        activations.push(await once('activate'));
      }
    }
    const act = summarise(activations.map((a) => a.totalMs));
    const req = summarise(activations.map((a) => a.requireMs));
    const actOnly = summarise(activations.map((a) => a.activateMs));
    const emp = summarise(empties.map((a) => a.totalMs));
    const procAct = summarise(activations.map((a) => a.processMs));
    const procEmp = summarise(empties.map((a) => a.processMs));
    const reg = activations[0]!.registered;
    ctx.log(`  require + activate(), in process: ${fmtSummary(act, 'ms')} (require ${fmt(req.median)} ms, activate() ${fmt(actOnly.median)} ms)`);
    ctx.log(`  require of an empty module, in process: ${fmtSummary(emp, 'ms', 3)}`);
    ctx.log(`  whole process (node start → exit): extension ${fmtSummary(procAct, 'ms')}; empty module ${fmtSummary(procEmp, 'ms')}`);
    ctx.log(`  activate() registered ${reg.commands} commands, ${reg.treeViews} tree views, ${reg.codeLens} CodeLens provider(s), ${reg.statusItems} status item(s)`);

    let baseline: Baseline | undefined;
    if (existsSync(BASELINE_FILE)) baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
    if (process.argv.includes('--update-baseline') || !baseline) {
      baseline = {
        extensionBundle: {
          productionBytes: sizes.production,
          developmentBytes: sizes.development,
          recordedAt: new Date().toISOString(),
          note: 'Written by `npm run bench -- --only activation --update-baseline`. The bundle may grow by at most 10 % against this before the benchmark fails: raise it deliberately, in a reviewed commit.',
        },
      };
      writeFileSync(BASELINE_FILE, `${JSON.stringify(baseline, null, 2)}\n`);
      ctx.log(`  baseline written: ${path.relative(ctx.repo, BASELINE_FILE)}`);
    }
    const growth = sizes.production / baseline.extensionBundle.productionBytes;
    ctx.log(`  production bundle vs baseline (${fmt(baseline.extensionBundle.productionBytes / 1024, 1)} KB): ${fmt(growth, 3)}×`);

    return {
      ran: `${PROCESSES} fresh node processes each for require(bundle) + activate(stub context) and for require(empty module), interleaved; stub vscode via a Module._load hook`,
      inputs: `production bundle ${fmt(sizes.production)} B (development ${fmt(sizes.development)} B)`,
      figures: [
        figure('production bundle (ships in the .vsix)', Number((sizes.production / 1024).toFixed(1)), 'KB'),
        figure('development bundle (npm run build)', Number((sizes.development / 1024).toFixed(1)), 'KB'),
        figure('require + activate() (in process)', act, 'ms'),
        figure('  of which require', req, 'ms'),
        figure('  of which activate()', actOnly, 'ms'),
        figure('require empty module (in process)', emp, 'ms'),
        figure('process start→exit: extension', procAct, 'ms'),
        figure('process start→exit: empty module', procEmp, 'ms'),
      ],
      checks: [
        check('activation (require + activate)', Number(act.median.toFixed(1)), '<=', 50, { unit: 'ms' }),
        check('production bundle vs bench/baseline.json', Number(growth.toFixed(3)), '<=', 1.1, { unit: '×' }),
      ],
    };
  },
};
