import assert from 'node:assert/strict';
import { makeConfig } from '../../../src/core/config/config';
import { BUILTIN_RULES } from '../../../src/core/reason/builtin-rules';
import { compileRules } from '../../../src/core/reason/compile-rules';
import { loadRulesFile } from '../../../src/core/reason/rules-file';
import { reason } from '../../../src/core/reason/reason';
import { events, observedIncident } from './builders';
import { SHAPES } from './shapes';

const config = makeConfig();
const FILE = '.cosmos/rules.json';

const goodRule = {
  id: 'team.search_outage',
  cause: 'platform_regression',
  description: 'Search index errors at several merchants',
  when: { all: [{ field: 'count:search_*', gte: 10 }, { field: 'merchantCount', gte: 2 }] },
  confidence: 0.8,
  explanation: '${count:search_*} search errors at ${merchants}',
};

describe('rules.json: loadRulesFile', () => {
  it('loads a valid user rule that then diagnoses incidents, with its own explanation', () => {
    const loaded = loadRulesFile(JSON.stringify({ rules: [goodRule] }, null, 2), FILE);
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(loaded.warnings, []);
    assert.equal(loaded.rules.length, 1);
    const rules = compileRules(loaded.rules);
    const incident = observedIncident({ events: [events('search_index_error', 'api', 14, 'M1', 'M2')] });
    const result = reason(incident, { rules, config });
    assert.equal(result.cause, 'platform_regression');
    assert.deepEqual(result.hypotheses[0]!.source, { kind: 'rule', ruleId: 'team.search_outage' });
    assert.match(result.hypotheses[0]!.explanation, /^14 search errors at \[M1, M2\]/);
  });

  it('reports an unknown field with the file, the JSON path and a suggestion, and keeps the valid rules', () => {
    const text = JSON.stringify({
      rules: [
        goodRule,
        { ...goodRule, id: 'typo.one', when: { field: 'merchnts', contains: 'M1' } },
        { ...goodRule, id: 'typo.two', when: { all: [{ field: 'errorCodes', contains: 'x' }, { field: 'merchantCont', gte: 2 }] } },
      ],
    });
    const loaded = loadRulesFile(text, FILE);
    assert.deepEqual(loaded.errors, [
      '.cosmos/rules.json: rules[1].when.field — unknown field "merchnts" (did you mean merchants?)',
      '.cosmos/rules.json: rules[2].when.all[1].field — unknown field "merchantCont" (did you mean merchantCount?)',
    ]);
    assert.deepEqual(
      loaded.rules.map((r) => r.id),
      ['team.search_outage'],
    );
  });

  it('reports wrong operators, wrong value types and a bad parameterised field precisely', () => {
    const text = JSON.stringify({
      rules: [
        {
          ...goodRule,
          when: {
            any: [
              { field: 'errorCodes', gte: 3 },
              { field: 'merchantCount', contains: 'M1' },
              { field: 'scope', equals: 'platform' },
              { field: 'shares:http_5*', gte: 0.5 },
              { field: 'share:', gte: 0.5 },
              { field: 'eventCount', gte: 'ten' },
            ],
          },
        },
      ],
    });
    const { errors, rules } = loadRulesFile(text, FILE);
    assert.deepEqual(rules, []);
    assert.deepEqual(errors, [
      '.cosmos/rules.json: rules[0].when.any[0].gte — field "errorCodes" is a list; "gte" compares numbers',
      '.cosmos/rules.json: rules[0].when.any[1].contains — field "merchantCount" is a number; "contains" works on lists and strings',
      '.cosmos/rules.json: rules[0].when.any[2].equals — unknown operator "equals" (use gte, gt, lte, lt, contains, containsAny, containsAll, matches, eq, in)',
      '.cosmos/rules.json: rules[0].when.any[3].field — unknown field "shares:http_5*" (did you mean share:<pattern>?)',
      '.cosmos/rules.json: rules[0].when.any[4].field — field "share:" needs a pattern after "share:"',
      '.cosmos/rules.json: rules[0].when.any[5].gte — expected a number, got string "ten"',
    ]);
  });

  it('reports shell errors through zod with paths: bad cause, confidence out of range, unknown key, bad placeholder', () => {
    const text = JSON.stringify({
      rules: [
        { ...goodRule, cause: 'cosmic_rays' },
        { ...goodRule, id: 'b', confidence: 1.5 },
        { ...goodRule, id: 'c', colour: 'red' },
        { ...goodRule, id: 'd', explanation: '${merchantz} broke' },
        { ...goodRule, id: 'e', boosts: [{ when: { field: 'nope', gte: 1 }, add: 0.1, because: 'x' }] },
      ],
    });
    const { errors } = loadRulesFile(text, FILE);
    assert.equal(errors.length, 5, errors.join('\n'));
    assert.match(errors[0]!, /^\.cosmos\/rules\.json: rules\[0\]\.cause — /);
    assert.match(errors[1]!, /^\.cosmos\/rules\.json: rules\[1\]\.confidence — .*1/);
    assert.match(errors[2]!, /^\.cosmos\/rules\.json: rules\[2\] — .*colour/);
    assert.equal(errors[3], '.cosmos/rules.json: rules[3].explanation — placeholder ${merchantz} — unknown field "merchantz" (did you mean merchants?)');
    assert.equal(errors[4], '.cosmos/rules.json: rules[4].boosts[0].when.field — unknown field "nope" (did you mean scope?)');
  });

  it('reports a JSON syntax error with line and column; the built-in rules keep working', () => {
    const text = '{\n  "rules": [\n    { "id": "x", }\n  ]\n}\n';
    const loaded = loadRulesFile(text, FILE);
    assert.equal(loaded.rules.length, 0);
    assert.equal(loaded.errors.length, 1);
    assert.match(loaded.errors[0]!, /^\.cosmos\/rules\.json:3:18 — not valid JSON: /);
    const rules = compileRules(loaded.rules);
    assert.equal(reason(SHAPES.rateLimit!.incident(), { rules, config }).cause, 'rate_limiting');
  });

  it('an override replaces the built-in rule with the same id (and says so); disable switches one off', () => {
    const override = {
      ...BUILTIN_RULES.find((r) => r.id === 'builtin.rate_limiting')!,
      confidence: 0.5,
      boosts: [],
      explanation: 'team override: ${count:http_429} throttled calls',
    };
    const loaded = loadRulesFile(JSON.stringify({ disable: ['builtin.api_auth_failure', 'builtin.nope'], rules: [override] }), FILE);
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(loaded.warnings, [
      `.cosmos/rules.json: disable[1] — "builtin.nope" is not a built-in rule id (known: ${BUILTIN_RULES.map((r) => r.id).join(', ')})`,
      '.cosmos/rules.json: rules[0] overrides built-in rule "builtin.rate_limiting"',
    ]);
    const rules = compileRules(loaded.rules, { disable: loaded.disable });
    assert.equal(rules.rules.filter((r) => r.rule.id === 'builtin.rate_limiting').length, 1);
    assert.equal(rules.rules.find((r) => r.rule.id === 'builtin.rate_limiting')!.origin, 'override');
    assert.equal(rules.rules.some((r) => r.rule.id === 'builtin.api_auth_failure'), false);
    const result = reason(SHAPES.rateLimit!.incident(), { rules, config });
    assert.equal(result.hypotheses[0]!.confidence, 0.5);
    assert.match(result.hypotheses[0]!.explanation, /^team override: 45 throttled calls/);
    // With api_auth disabled, the API-auth shape has no rule left and falls back.
    assert.equal(reason(SHAPES.apiAuth!.incident(), { rules, config }).cause, 'unknown');
  });

  it('reports a duplicate id inside the file and keeps the first', () => {
    const { errors, rules } = loadRulesFile(JSON.stringify([goodRule, goodRule]), FILE);
    assert.deepEqual(errors, ['.cosmos/rules.json: rules[1].id — duplicate id "team.search_outage" (already used by rules[0])']);
    assert.equal(rules.length, 1);
  });

  it('an empty file is a warning, not an error; a BOM is accepted', () => {
    assert.deepEqual(loadRulesFile('  \n', FILE), { rules: [], disable: [], errors: [], warnings: ['.cosmos/rules.json: empty file, no user rules loaded'] });
    assert.deepEqual(loadRulesFile(`\uFEFF${JSON.stringify({ rules: [goodRule] })}`, FILE).errors, []);
  });

  it('a top-level value of the wrong shape is reported at the top level', () => {
    const { errors } = loadRulesFile('{"rulez": []}', FILE);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^\.cosmos\/rules\.json: \(top level\) — .*rulez/);
  });
});
