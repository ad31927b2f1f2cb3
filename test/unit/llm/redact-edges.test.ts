import { strict as assert } from 'node:assert';
import { redact } from '../../../src/core/reason/llm/redact';
import { parseTimestamp } from '../../../src/core/observe/ingest/parse-timestamp';

// Cases the reliability suite found: a full stop after the value hid it from the patterns.
describe('redaction at the end of a sentence, and more key shapes', () => {
  it('redacts an IP address, a card and a SendGrid key followed by a full stop', () => {
    const out = redact('Requests come from 203.0.113.42. Card 4111 1111 1111 1111. Key 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.').text;
    assert.equal(out, 'Requests come from [IP]. Card [CARD]. Key [KEY].');
  });

  it('leaves version numbers and dotted ids alone', () => {
    assert.equal(redact('upgraded to 1.2.3.4.5 and build 10.20.30').text, 'upgraded to 1.2.3.4.5 and build 10.20.30');
  });
});

describe('timestamps out of any calendar', () => {
  it('rejects epoch numbers past year 9999 instead of accepting a nonsense date', () => {
    assert.deepEqual(parseTimestamp(1e300), { ok: false });
    assert.deepEqual(parseTimestamp(2.3197968576904654e67), { ok: false });
    assert.equal(parseTimestamp(1769885496).ok, true);
  });
});
