import assert from 'node:assert/strict';
import { CircuitBreaker } from '../../../src/adapters/ollama/circuit-breaker';
import { PriorityScheduler, SchedulerRejection } from '../../../src/adapters/ollama/priority-scheduler';

const tick = () => new Promise((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PriorityScheduler', () => {
  it('runs higher priority first, FIFO among equals, never more than maxInFlight', async () => {
    const s = new PriorityScheduler(1);
    const order: string[] = [];
    const gate = deferred();
    const run = (name: string, p: number, wait?: Promise<void>) =>
      s.run(p, undefined, async () => {
        order.push(name);
        await wait;
      });
    const all = [run('first', 0, gate.promise), run('a1', 1), run('b5', 5), run('a2', 1), run('c9', 9)];
    await tick();
    assert.equal(s.running, 1);
    assert.equal(s.queued, 4);
    gate.resolve();
    await Promise.all(all);
    assert.deepEqual(order, ['first', 'c9', 'b5', 'a1', 'a2']);
  });

  it('removes a waiting task whose signal aborts', async () => {
    const s = new PriorityScheduler(1);
    const gate = deferred();
    const first = s.run(0, undefined, () => gate.promise);
    const controller = new AbortController();
    const waiting = s.run(0, controller.signal, async () => 'ran');
    controller.abort();
    await assert.rejects(waiting, (e: SchedulerRejection) => e.kind === 'cancelled');
    assert.equal(s.queued, 0);
    gate.resolve();
    await first;
  });

  it('when full, a higher priority displaces the lowest waiting one', async () => {
    const s = new PriorityScheduler(1, 2);
    const gate = deferred();
    const first = s.run(0, undefined, () => gate.promise);
    const low = s.run(1, undefined, async () => 'low');
    const mid = s.run(2, undefined, async () => 'mid');
    const lower = s.run(0, undefined, async () => 'lower');
    await assert.rejects(lower, (e: SchedulerRejection) => e.kind === 'queue_full');
    const high = s.run(9, undefined, async () => 'high');
    await assert.rejects(low, (e: SchedulerRejection) => e.kind === 'queue_full');
    gate.resolve();
    assert.deepEqual(await Promise.all([first, mid, high]), [undefined, 'mid', 'high']);
  });

  it('dispose rejects everything waiting', async () => {
    const s = new PriorityScheduler(1);
    const gate = deferred();
    const first = s.run(0, undefined, () => gate.promise);
    const waiting = s.run(0, undefined, async () => 'x');
    s.dispose();
    await assert.rejects(waiting, (e: SchedulerRejection) => e.kind === 'disposed');
    await assert.rejects(s.run(0, undefined, async () => 'y'), (e: SchedulerRejection) => e.kind === 'disposed');
    gate.resolve();
    await first;
  });
});

describe('CircuitBreaker', () => {
  it('opens after the threshold, half-opens after the cool-down with one probe, closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker({ threshold: 3, cooldownMs: 30_000, clock: { now: () => now } });
    b.failure('a');
    b.failure('b');
    assert.equal(b.state, 'closed');
    b.success();
    b.failure('a');
    b.failure('b');
    assert.equal(b.state, 'closed', 'a success resets the count');
    b.failure('c');
    assert.equal(b.state, 'open');
    const refused = b.acquire();
    assert.ok(!refused.ok);
    assert.equal(refused.reason, 'circuit open: 3 consecutive failures, last: c; next probe in 30 s');
    now = 30_000;
    assert.equal(b.state, 'half_open');
    assert.ok(b.acquire().ok);
    const second = b.acquire();
    assert.ok(!second.ok && /a probe is in flight/.test(second.reason));
    b.success();
    assert.equal(b.state, 'closed');
  });

  it('a failed probe re-opens for a full cool-down; a cancelled probe frees the slot', () => {
    let now = 0;
    const b = new CircuitBreaker({ threshold: 1, cooldownMs: 1000, clock: { now: () => now } });
    b.failure('x');
    now = 1000;
    assert.ok(b.acquire().ok);
    b.release();
    assert.ok(b.acquire().ok, 'slot freed by release');
    b.failure('y');
    assert.equal(b.state, 'open');
    now = 1999;
    assert.equal(b.state, 'open');
    now = 2000;
    assert.equal(b.state, 'half_open');
  });
});
