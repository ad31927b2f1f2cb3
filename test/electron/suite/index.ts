import Mocha from 'mocha';

/**
 * Entry point the extension host calls (`--extensionTestsPath`). The test files are bundled into this one
 * file; they are imported only after mocha has put `describe`/`it` on the global object.
 */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'electron-suite', mocha);
  await import('./commands.test');
  await import('./settings.test');
  await import('./agent.test');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
}
