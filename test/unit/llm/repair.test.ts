import assert from 'node:assert/strict';
import { answerJsonSchema } from '../../../src/core/reason/llm/answer';
import { causeFromText, parseAnswer, type ParseOutcome } from '../../../src/core/reason/llm/repair';
import { CAUSES } from '../../../src/core/report/schema';
import { MODEL_ANSWERS } from '../../fixtures/llm/model-answers';

const ok = (outcome: ParseOutcome) => {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome;
};
const failed = (outcome: ParseOutcome) => {
  assert.ok(!outcome.ok, JSON.stringify(outcome));
  return outcome;
};

describe('parseAnswer', () => {
  it('accepts a valid answer without repairs', () => {
    const out = ok(parseAnswer(JSON.stringify({ hypotheses: [{ cause: 'rate_limiting', confidence: 0.7, explanation: '429s' }] }), CAUSES));
    assert.deepEqual(out.repairs, []);
    assert.deepEqual(out.answer.hypotheses, [{ cause: 'rate_limiting', confidence: 0.7, explanation: '429s' }]);
  });

  it('maps word confidences', () => {
    const out = ok(parseAnswer(MODEL_ANSWERS.wordConfidence, CAUSES));
    assert.deepEqual(out.answer.hypotheses.map((h) => h.confidence), [0.85, 0.6]);
    assert.deepEqual(out.repairs, [
      'hypothesis 1: confidence "high" mapped to 0.85',
      'hypothesis 2: confidence "moderate" mapped to 0.6',
    ]);
  });

  it('maps "medium" and "low" and numeric strings', () => {
    const raw = JSON.stringify({
      hypotheses: [
        { cause: 'rate_limiting', confidence: 'medium', explanation: 'a' },
        { cause: 'api_auth_failure', confidence: 'low', explanation: 'b' },
        { cause: 'documentation_gap', confidence: '45%', explanation: 'c' },
        { cause: 'unknown', confidence: '0.2', explanation: 'd' },
      ],
    });
    const out = ok(parseAnswer(raw, CAUSES));
    assert.deepEqual(out.answer.hypotheses.map((h) => h.confidence), [0.6, 0.45, 0.3, 0.2]);
  });

  it('divides percentages by 100', () => {
    const out = ok(parseAnswer(MODEL_ANSWERS.percentage, CAUSES));
    assert.deepEqual(out.answer.hypotheses.map((h) => h.confidence), [0.85, 0.7]);
    assert.ok(out.repairs.includes('hypothesis 2: confidence 70 read as a percentage (0.7)'));
  });

  it('drops a hypothesis whose confidence means nothing, keeps the others', () => {
    const raw = JSON.stringify({
      hypotheses: [
        { cause: 'rate_limiting', confidence: 'sort of', explanation: 'a' },
        { cause: 'api_auth_failure', confidence: 0.5, explanation: 'b' },
      ],
    });
    const out = ok(parseAnswer(raw, CAUSES));
    assert.deepEqual(out.answer.hypotheses.map((h) => h.cause), ['api_auth_failure']);
    assert.ok(out.repairs.some((r) => /hypothesis 1: confidence "sort of" is not usable; dropped/.test(r)));
  });

  it('uses a description as the explanation and maps it to the one cause it names', () => {
    const out = ok(parseAnswer(MODEL_ANSWERS.descriptionInsteadOfCause, CAUSES));
    const [h] = out.answer.hypotheses;
    assert.equal(h?.cause, 'webhook_auth_failure');
    assert.match(h?.explanation ?? '', /signature secret was rotated/);
    assert.deepEqual(out.repairs, [
      'hypothesis 1: no cause given; its description names webhook_auth_failure',
      'hypothesis 1: "description" used as the explanation',
    ]);
  });

  it('sets unknown when the description names no single cause', () => {
    const out = ok(parseAnswer(MODEL_ANSWERS.descriptionMatchingNothing, CAUSES));
    assert.equal(out.answer.hypotheses[0]?.cause, 'unknown');
    assert.equal(causeFromText('the webhook secret and a rate limit', CAUSES), undefined, 'a tie is not a mapping');
  });

  it('tolerates unknowns as a number or an object', () => {
    assert.equal(ok(parseAnswer(MODEL_ANSWERS.unknownsAsNumber, CAUSES)).answer.unknowns, undefined);
    assert.deepEqual(ok(parseAnswer(MODEL_ANSWERS.unknownsAsObject, CAUSES)).answer.unknowns, [
      'secret_rotation_time: not in data',
      'erp: unclear',
    ]);
  });

  it('flattens nested evidence objects to strings', () => {
    const out = ok(parseAnswer(MODEL_ANSWERS.nestedEvidence, CAUSES));
    assert.deepEqual(out.answer.hypotheses[0]?.evidence, ['T2', 'signal: http_401, count: 14', 'STATS']);
  });

  it('unwraps fenced JSON and strips prose', () => {
    assert.deepEqual(ok(parseAnswer(MODEL_ANSWERS.fenced, CAUSES)).repairs, ['unwrapped a fenced ```json block']);
    assert.match(ok(parseAnswer(MODEL_ANSWERS.prose, CAUSES)).repairs[0] ?? '', /stripped 23 chars of prose/);
  });

  it('turns a cause outside the list into unknown, and normalises spelling of a listed one', () => {
    assert.equal(ok(parseAnswer(MODEL_ANSWERS.causeOutsideList, CAUSES)).answer.hypotheses[0]?.cause, 'unknown');
    const out = ok(parseAnswer(JSON.stringify({ hypotheses: [{ cause: 'Rate Limiting', confidence: 0.5, explanation: 'x' }] }), CAUSES));
    assert.equal(out.answer.hypotheses[0]?.cause, 'rate_limiting');
    assert.deepEqual(out.repairs, ['hypothesis 1: cause "Rate Limiting" normalised to rate_limiting']);
  });

  it('a cause valid in general but not allowed for this request becomes unknown', () => {
    const raw = JSON.stringify({ hypotheses: [{ cause: 'rate_limiting', confidence: 0.5, explanation: 'x' }] });
    assert.equal(ok(parseAnswer(raw, ['api_auth_failure'])).answer.hypotheses[0]?.cause, 'unknown');
  });

  it('refuses truncated JSON instead of completing it', () => {
    const out = failed(parseAnswer(MODEL_ANSWERS.truncated, CAUSES));
    assert.equal(out.truncated, true);
    assert.match(out.error, /^truncated JSON \(Unterminated string in JSON at position \d+/);
  });

  it('refuses malformed JSON, wrong shapes, whitespace and empty hypothesis lists', () => {
    assert.match(failed(parseAnswer(MODEL_ANSWERS.malformed, CAUSES)).error, /^malformed JSON/);
    assert.match(failed(parseAnswer(MODEL_ANSWERS.wrongShape, CAUSES)).error, /^wrong shape: the answer has no "hypotheses" list/);
    assert.match(failed(parseAnswer(' \n\t '.repeat(100), CAUSES)).error, /nothing but whitespace/);
    assert.match(failed(parseAnswer('{"hypotheses": []}', CAUSES)).error, /wrong shape: no usable hypothesis/);
    assert.match(failed(parseAnswer('I think it is the webhooks.', CAUSES)).error, /no JSON object/);
  });

  it('wraps a lone hypothesis and a bare list, and caps the count', () => {
    assert.equal(ok(parseAnswer('{"cause":"rate_limiting","confidence":0.4,"explanation":"x"}', CAUSES)).answer.hypotheses.length, 1);
    const many = Array.from({ length: 7 }, (_, i) => ({ cause: 'unknown', confidence: i / 10, explanation: String(i) }));
    const out = ok(parseAnswer(JSON.stringify(many), CAUSES));
    assert.equal(out.answer.hypotheses.length, 4);
    assert.deepEqual(out.answer.hypotheses.map((h) => h.confidence), [0.6, 0.5, 0.4, 0.3]);
    assert.ok(out.repairs.includes('a bare list was taken as the hypotheses'));
  });

  it('ignores extra fields such as proposed actions', () => {
    const raw = JSON.stringify({
      hypotheses: [{ cause: 'rate_limiting', confidence: 0.5, explanation: 'x', action: 'pause_automation' }],
      actions: [{ type: 'notify_webhook', params: { url: 'https://evil.example' } }],
    });
    const out = ok(parseAnswer(raw, CAUSES));
    assert.ok(!JSON.stringify(out.answer).includes('evil'));
    assert.ok(!JSON.stringify(out.answer).includes('pause_automation'));
  });

  it('bounds explanation length', () => {
    const raw = JSON.stringify({ hypotheses: [{ cause: 'unknown', confidence: 0.5, explanation: 'e'.repeat(5000) }] });
    const out = ok(parseAnswer(raw, CAUSES));
    assert.ok((out.answer.hypotheses[0]?.explanation.length ?? 0) <= 300);
  });
});

describe('answerJsonSchema', () => {
  it('is a non-empty schema with the cause enum and bounds, and no regex patterns', () => {
    const schema = answerJsonSchema(CAUSES) as any;
    assert.equal(schema.type, 'object');
    assert.deepEqual(schema.required, ['hypotheses']);
    const item = schema.properties.hypotheses.items;
    assert.deepEqual(item.properties.cause.enum, [...CAUSES]);
    assert.equal(item.properties.confidence.maximum, 1);
    assert.equal(item.properties.explanation.maxLength, 300);
    assert.equal(schema.properties.hypotheses.maxItems, 4);
    assert.ok(!JSON.stringify(schema).includes('pattern'));
    assert.ok(!('$schema' in schema));
  });
});
