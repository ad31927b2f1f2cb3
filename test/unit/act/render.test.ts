import { strict as assert } from 'node:assert';
import { mdText } from '../../../src/core/act/markdown';
import { buildActionParams } from '../../../src/core/act/params';
import { renderEscalation, renderSupportReply } from '../../../src/core/act/render';
import { config, evidence, incident } from './builders';

describe('act/render', () => {
  it('writes a reply with the cause checklist, incident, confidence, tickets and evidence locations', () => {
    const inc = incident();
    const text = renderSupportReply(inc, buildActionParams('draft_support_reply', inc, config()), 'm-acme');
    assert.match(text, /Webhook secret rotation checklist/);
    assert.match(text, /- \[ \] Copy the new webhook signing secret/);
    assert.match(text, /INC\\-1/);
    assert.match(text, /confidence 91 %/);
    assert.match(text, /T\\-100/);
    assert.ok(!text.includes('T\\-101'), 'another merchant’s ticket is not cited in this reply');
    assert.match(text, /events\\\.ndjson:12/);
  });

  it('neutralises Markdown and HTML in ids that came from data files', () => {
    const hostile = '<img src=x onerror=alert(1)>](javascript:alert(1))![a](http://evil/x.png)';
    const inc = incident({ merchants: [hostile], evidence: [evidence({ merchantId: hostile, recordId: hostile })] });
    const text = renderEscalation(inc, buildActionParams('create_escalation', inc, config()));
    assert.ok(!text.includes('<img'), 'raw HTML must not survive');
    assert.ok(!/!\[a\]\(/.test(text), 'an image link must not survive');
    assert.ok(!/\]\(javascript:/.test(text), 'a javascript: link must not survive');
    assert.equal(mdText('a\u202eb\u200bc'), 'a b c');
    assert.equal(mdText('x'.repeat(500)).length, 201);
  });
});
