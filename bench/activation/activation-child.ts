import Module from 'node:module';
import { registered, stubContext, stubVscode } from './stub-vscode';

/**
 * One fresh process of the activation benchmark (bundled by esbuild and run by plain node, no loader hooks).
 * argv: MODE (activate|empty) MODULE_PATH EXTENSION_ROOT STORAGE_DIR. Prints one JSON line with the times measured
 * inside the process: what VS Code counts as activation is module load + activate() until it returns.
 */
type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const mod = Module as unknown as { _load: Loader };

function main(): void {
  const [mode, modulePath, root, storage] = process.argv.slice(2);
  if (!modulePath || !root || !storage || (mode !== 'activate' && mode !== 'empty')) throw new Error('usage: MODE MODULE_PATH EXTENSION_ROOT STORAGE_DIR');
  const original = mod._load;
  mod._load = function (request, parent, isMain) {
    if (request === 'vscode') return stubVscode;
    return original.call(this, request, parent, isMain);
  };
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the point is to time a CommonJS require
  const loaded = require(modulePath) as { activate?: (ctx: unknown) => unknown };
  const t1 = performance.now();
  let activated: unknown;
  if (mode === 'activate') {
    if (typeof loaded.activate !== 'function') throw new Error(`${modulePath} exports no activate()`);
    activated = loaded.activate(stubContext(root, storage));
  }
  const t2 = performance.now();
  const reported = (activated as { activationMs?: number } | undefined)?.activationMs;
  process.stdout.write(
    `${JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, reportedMs: reported, registered, rssMb: process.memoryUsage().rss / 1048576 })}\n`,
  );
  // Timers the extension may have set (auto-start is off in the stub's configuration) must not keep us alive.
  process.exit(0);
}

main();
