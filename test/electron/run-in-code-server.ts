/**
 * Runs the extension-host mocha suite (test/electron/suite) inside a real VS Code here, where VS Code itself
 * cannot be downloaded: code-server with the smoke-test driver enabled loads the extension from the repository
 * (`extensionDevelopmentPath`) and calls the suite's `run()` (`extensionTestsPath`), passed as the workbench's
 * `payload`; the page reports the exit code through `window.codeAutomationExit`.
 *
 *   npm run build && node --import tsx test/electron/run-in-code-server.ts
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { buildWithFakes } from '../e2e/lib/build-vsix';
import { CodeServer } from '../e2e/lib/code-server';
import { say } from '../e2e/lib/log';
import { ARTIFACTS } from '../e2e/lib/paths';
import { ensureTools } from '../e2e/lib/tools';
import { buildSuite, REPO } from './build-suite';
import { makeSuiteWorkspace } from './fixture';

async function main(): Promise<number> {
  // --bring-up: harness development only, with test/e2e/fake in place of modules that do not exist yet.
  if (process.argv.includes('--bring-up')) await buildWithFakes();
  if (!existsSync(join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const tools = ensureTools();
  const suite = await buildSuite();
  const workspace = makeSuiteWorkspace();
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = new CodeServer(tools.node24, tools.codeServer, join(ARTIFACTS, 'code-server-host-suite.log'));
  server.writeUserSettings({});
  const browser = await chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    const url = await server.start(workspace, { trust: true, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(REPO)],
      ['extensionTestsPath', remote(suite)],
      ['extensionEnvironment', JSON.stringify({ COSMOS_SUITE_WORKSPACE: workspace })],
    ];
    const page = await browser.newPage();
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    // The page forwards every console line of the workbench; keep the suite's, drop the closed network's noise.
    const noise = /open-vsx|ENOTFOUND|api\.github|authentication provider|AccountPolicyGate|Creating a socket|Service Worker|AgentHost|reconnection-grace|builtin extensions cache|^\s+at /;
    await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown[]) => {
      const line = format(...args);
      const kept = line.split('\n').filter((l) => !noise.test(l));
      if (kept.length > 0 && !noise.test(line.split('\n')[0] ?? '')) process.stdout.write(`${kept.join('\n')}\n`);
    });
    await page.goto(`${url}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(124), 180_000));
    const code = await Promise.race([exit, timeout]);
    if (code === 124) say('the in-host suite did not finish within 180 s');
    await page.screenshot({ path: join(ARTIFACTS, 'host-suite-final.png') }).catch(() => undefined);
    return code;
  } finally {
    await browser.close();
    await server.stop();
    server.cleanup();
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    say(`in-host suite exit code ${code}`);
    process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
