/**
 * The extension-host suite through @vscode/test-electron, for machines that can download VS Code:
 *   node --import tsx test/electron/run-test.ts
 * (This sandbox cannot reach update.code.visualstudio.com; here the same suite runs inside code-server
 * with test/electron/run-in-code-server.ts.)
 */
import { rmSync } from 'node:fs';
import { runTests } from '@vscode/test-electron';
import { buildSuite, REPO } from './build-suite';
import { makeSuiteWorkspace } from './fixture';

async function main(): Promise<void> {
  const extensionTestsPath = await buildSuite();
  const workspace = makeSuiteWorkspace();
  try {
    await runTests({
      extensionDevelopmentPath: REPO,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { COSMOS_SUITE_WORKSPACE: workspace },
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
