import * as esbuild from 'esbuild';
import { join, resolve } from 'node:path';

/** Where the bundled in-host suite goes (inside the repo, so `require('mocha')` resolves from node_modules). */
export const REPO = resolve(import.meta.dirname, '..', '..');
export const SUITE_BUNDLE = join(REPO, 'dist', 'test', 'electron-suite.js');

/** Bundles test/electron/suite into one CommonJS file the extension host can load (`vscode` and mocha external). */
export async function buildSuite(): Promise<string> {
  await esbuild.build({
    entryPoints: [join(REPO, 'test', 'electron', 'suite', 'index.ts')],
    outfile: SUITE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return SUITE_BUNDLE;
}
