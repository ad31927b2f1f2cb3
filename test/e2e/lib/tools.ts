import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log';
import { CHROMIUM, CODE_SERVER, E2E, NODE24, TOOLS } from './paths';

/**
 * Makes sure Node 24, code-server and chromium are present, running test/e2e/setup-tools.sh (idempotent) when
 * anything is missing. Returns what the walk needs.
 */
export function ensureTools(): { node24: string; codeServer: string; chromium: string } {
  const missing = [NODE24, CODE_SERVER, CHROMIUM].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    say(`installing tools (missing: ${missing.join(', ')}) — about 2 minutes cold`);
    execFileSync('bash', [join(E2E, 'setup-tools.sh')], { stdio: 'inherit', env: { ...process.env, COSMOS_E2E_TOOLS: TOOLS } });
  }
  for (const p of [NODE24, CODE_SERVER, CHROMIUM]) {
    if (!existsSync(p)) throw new Error(`e2e tool still missing after setup: ${p}`);
  }
  return { node24: NODE24, codeServer: CODE_SERVER, chromium: CHROMIUM };
}
