// Builds the three bundles: the extension host (node/cjs, `vscode` external), the CLI (node/cjs) and the
// dashboard front end (browser/iife). `--production` minifies and drops source maps; `--watch` rebuilds.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // Heavy modules (zod, chokidar, ollama) are split behind dynamic import() in the agent,
    // but esbuild's cjs output cannot split, so the extension entry keeps its own imports lean.
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { dashboard: 'webview/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

// Only while the project is being bootstrapped: a bundle whose entry does not exist yet is reported, not faked.
const present = builds.filter((b) => {
  const entry = Object.values(b.entryPoints)[0];
  if (existsSync(entry)) return true;
  console.warn(`esbuild: skipping ${entry} (not present)`);
  return false;
});

if (watch) {
  const contexts = await Promise.all(present.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching…');
} else {
  await Promise.all(present.map((b) => esbuild.build(b)));
}
