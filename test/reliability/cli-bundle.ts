import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

/**
 * The `cosmos` command as users run it (bin/cosmos.js → dist/cli.js), bundled from the current sources into a
 * temporary package folder so the suite never measures a stale dist/. Built once per process.
 */
export const REPO = path.resolve(__dirname, '..', '..');
let built: Promise<string> | undefined;

/** Absolute path of a `bin/cosmos.js` whose `../dist/cli.js` is fresh. */
export function cosmosBin(): Promise<string> {
  built ??= (async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cosmos-rel-cli-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    mkdirSync(path.join(root, 'bin'));
    await build({
      entryPoints: { cli: path.join(REPO, 'src/cli/main.ts') },
      outdir: path.join(root, 'dist'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
    });
    copyFileSync(path.join(REPO, 'bin', 'cosmos.js'), path.join(root, 'bin', 'cosmos.js'));
    return path.join(root, 'bin', 'cosmos.js');
  })();
  return built;
}
