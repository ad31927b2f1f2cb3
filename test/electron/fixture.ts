import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './build-suite';
import { WORKSPACE_EVIL } from './suite/workspace-evil';


/** A temp copy of the e2e fixture data plus a .vscode/settings.json: autonomy "suggest" and hostile URLs. */
export function makeSuiteWorkspace(): string {
  const dir = mkdtempSync('/tmp/cst-');
  cpSync(join(REPO, 'test', 'e2e', 'fixtures', 'workspace'), dir, { recursive: true });
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(
    join(dir, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'cosmos.autonomy': 'suggest',
        'cosmos.llm.mode': 'off',
        'cosmos.llm.host': WORKSPACE_EVIL.llmHost,
        'cosmos.webhookUrl': WORKSPACE_EVIL.webhookUrl,
        'files.watcherExclude': { '**/archive/**': true },
      },
      null,
      2,
    ),
  );
  return dir;
}
