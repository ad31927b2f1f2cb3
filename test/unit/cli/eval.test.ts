import { strict as assert } from 'node:assert';
import { listScenarios } from '../../../src/core/generate/generate';
import { cli, tempDir } from './cli-helpers';

describe('cosmos generate + eval: diagnosis quality on every scenario', function () {
  this.timeout(120_000);
  for (const scenario of listScenarios()) {
    it(`${scenario}: top-1 cause accuracy ≥ 0.9 and zero wrong automatic actions`, async () => {
      const dir = tempDir(`cosmos-eval-${scenario}-`);
      const gen = await cli('generate', '--scenario', scenario, '--out', dir, '--seed', '11', '--format', 'ndjson');
      assert.equal(gen.code, 0, gen.err);
      const r = await cli('eval', dir, '--json', '--llm', 'off');
      assert.equal(r.code, 0, r.err);
      const score = JSON.parse(r.out) as { top1Accuracy: number; wrongAutoActions: number; wrongAutoDetails: string[]; llmShare: number };
      assert.ok(score.top1Accuracy >= 0.9, `${scenario}: top-1 ${score.top1Accuracy}\n${r.out}`);
      assert.equal(score.wrongAutoActions, 0, score.wrongAutoDetails.join('; '));
    });
  }

  it('eval without expected.json is an input error (exit 1) that says what is missing', async () => {
    const r = await cli('eval', tempDir());
    assert.equal(r.code, 1);
    assert.match(r.err, /expected\.json: missing/);
  });

  it('generate is deterministic for a seed and rejects an unknown scenario with the list', async () => {
    const bad = await cli('generate', '--scenario', 'nope', '--out', tempDir());
    assert.equal(bad.code, 2);
    assert.match(bad.err, /known: clear_misconfig/);
  });
});
