import * as assert from 'node:assert/strict';
import { readCosmosConfig } from '../../../src/vscode/config/settings';
import { WORKSPACE_EVIL } from './workspace-evil';
import { activateCosmos } from './helpers';

describe('settings → CosmosConfig', () => {
  before(async () => {
    await activateCosmos();
  });

  it('never takes the LLM host or the webhook URL from the workspace\'s own settings', () => {
    const config = readCosmosConfig({ trusted: true });
    assert.notEqual(config.llm?.host, WORKSPACE_EVIL.llmHost);
    assert.equal(config.llm?.host, 'http://127.0.0.1:11434');
    assert.equal(config.act?.webhookUrl, undefined);
  });

  it('reads workspace values of ordinary settings in a trusted workspace', () => {
    assert.equal(readCosmosConfig({ trusted: true }).decide?.autonomy, 'suggest');
  });

  it('turns effects and the LLM off for an untrusted workspace whatever the settings say', () => {
    const config = readCosmosConfig({ trusted: false });
    assert.equal(config.act?.allowEffects, false);
    assert.equal(config.llm?.mode, 'off');
  });

  it('adds the enabled files.watcherExclude globs to the ignored sources', () => {
    assert.ok(readCosmosConfig({ trusted: true }).sources?.ignored?.includes('**/archive/**'));
  });
});
