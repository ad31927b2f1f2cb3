import { strict as assert } from 'node:assert';
import { CAUSE_ORDER } from '../../../src/shared/dashboard-view-model';
import { CAUSES } from '../../../src/core/report/schema';

// The dashboard keeps its own copy of the cause list so its browser bundle stays free of zod; this keeps the
// copy honest: a cause added to the schema must get a place (and a colour) in the charts.
describe('dashboard cause order', () => {
  it('lists exactly the causes of the report schema', () => {
    assert.deepEqual([...CAUSE_ORDER].sort(), [...CAUSES].sort());
  });
});
