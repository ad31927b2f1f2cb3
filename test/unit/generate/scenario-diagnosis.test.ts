import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFileAccess } from '../../../src/adapters/node/node-file-access';
import { writeScenario } from '../../../src/adapters/node/scenario-writer';
import { makeConfig } from '../../../src/core/config/config';
import { decide } from '../../../src/core/decide/decide';
import { generate } from '../../../src/core/generate/generate';
import { SCENARIO_NAMES } from '../../../src/core/generate/scenarios';
import { scoreDiagnosis } from '../../../src/core/generate/score';
import { Observer } from '../../../src/core/observe/detect/observer';
import { SourceSet } from '../../../src/core/observe/ingest/source-set';
import { compileRules } from '../../../src/core/reason/compile-rules';
import { reason } from '../../../src/core/reason/reason';

/**
 * The bar, end to end through the real Observe stage: every generated scenario is diagnosed
 * with top-1 accuracy ≥ 0.9 and no automatic action on an incident whose true cause differs.
 */
describe('generated scenarios through Observe → Reason → Decide', () => {
  const config = makeConfig();
  const rules = compileRules();
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cosmos-eval-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const scenario of SCENARIO_NAMES) {
    it(`${scenario}: top-1 ≥ 0.9, zero wrong automatic actions`, async () => {
      for (const seed of [11, 12]) {
        const dir = join(root, `${scenario}-${seed}`);
        const { truth } = await writeScenario(dir, { scenario, seed, format: 'ndjson' });
        const sources = new SourceSet({ root: dir, files: nodeFileAccess, config });
        await sources.discover();
        const batch = await sources.poll({ final: true });
        await sources.dispose();
        const observer = new Observer(config);
        observer.add(batch.records);
        const incidents = observer.evaluate({ sources: sources.summaries(), invalid: batch.invalid.length, totalRecords: batch.records.length });
        const reported = incidents.map((incident) => {
          const reasoning = reason(incident, { rules, config });
          const { planned } = decide(
            { ...incident, ...reasoning },
            {
              config,
              now: 0,
              autoActionsLastHour: 0,
              alreadyProposed: () => false,
              paused: false,
              llmOnly: () => false,
              actionParams: () => ({}),
              actionKey: (fingerprint, type) => `${fingerprint}|${type}`,
            },
          );
          return { ...incident, ...reasoning, autoExecuted: planned.filter((p) => p.autoExecute).map((p) => p.report.type) };
        });
        const score = scoreDiagnosis(truth.incidents, reported);
        const detail = reported.map((r) => `${r.title} → ${r.cause} (${r.ambiguity.reasons.join('; ')})`).join('\n');
        assert.ok(score.top1Accuracy >= 0.9, `seed ${seed}: top-1 ${score.top1Accuracy}\n${detail}`);
        assert.equal(score.wrongAutoActions, 0, score.wrongAutoDetails.join('\n'));
      }
    });
  }

  it('data/ is exactly the sample_day scenario with seed 20260131', async () => {
    let events = '';
    let tickets = '';
    const truth = await generate(
      { scenario: 'sample_day', seed: 20260131, format: 'json' },
      { events: { write: (c) => void (events += c) }, tickets: { write: (c) => void (tickets += c) } },
    );
    const dataDir = join(__dirname, '..', '..', '..', 'data');
    assert.equal(await readFile(join(dataDir, 'events.json'), 'utf8'), events, 'regenerate data/ with the generator');
    assert.equal(await readFile(join(dataDir, 'tickets.json'), 'utf8'), tickets);
    assert.deepEqual(JSON.parse(await readFile(join(dataDir, 'expected.json'), 'utf8')), JSON.parse(JSON.stringify(truth)));
  });
});
