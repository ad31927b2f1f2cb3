import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log';
import { ARTIFACTS, E2E, REPO } from './paths';

/**
 * Builds the production bundles and packages the .vsix exactly as a release would (`vsce package`).
 * `bringUp` swaps in the in-memory fake agent/dashboard (test/e2e/fake) for modules that do not exist yet —
 * only while the harness itself is being brought up; the real walk never uses it.
 */
export async function buildVsix(options: { bringUp?: boolean } = {}): Promise<string> {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
  if (options.bringUp) {
    say('building with bring-up fakes (test/e2e/fake) in place of missing modules');
    await buildWithFakes();
  } else {
    say('building: npm run build:prod');
    execFileSync('npm', ['run', '--silent', 'build:prod'], { cwd: REPO, stdio: 'inherit' });
  }
  if (!existsSync(join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js was not built');

  mkdirSync(ARTIFACTS, { recursive: true });
  const out = join(ARTIFACTS, `${pkg.name}-${pkg.version}.vsix`);
  rmSync(out, { force: true });
  say(`packaging ${out}`);
  const args = ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--out', out];
  if (!existsSync(join(REPO, 'LICENSE')) && !existsSync(join(REPO, 'LICENSE.md'))) args.push('--skip-license');
  execFileSync('npx', args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  say(`packaged ${(statSync(out).size / 1024).toFixed(0)} KiB`);
  return out;
}

export async function buildWithFakes(): Promise<void> {
  const esbuild = await import('esbuild');
  const fakes: Record<string, string> = {
    '../../adapters/node/create-node-agent': join(E2E, 'fake', 'fake-node-agent.ts'),
    './dashboard/dashboard-panel': join(E2E, 'fake', 'fake-dashboard-panel.ts'),
  };
  await esbuild.build({
    entryPoints: { extension: join(REPO, 'src', 'extension.ts') },
    outdir: join(REPO, 'dist'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'bring-up-fakes',
        setup(build) {
          build.onResolve({ filter: /create-node-agent$|dashboard-panel$/ }, (args) => {
            const real = join(args.resolveDir, `${args.path}.ts`);
            if (existsSync(real)) return undefined;
            const fake = fakes[args.path];
            return fake ? { path: fake } : undefined;
          });
        },
      },
    ],
  });
}
