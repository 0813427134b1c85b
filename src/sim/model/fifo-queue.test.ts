import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from '../kernel/simulation.js';
import { FifoQueue } from './fifo-queue.js';

describe('FifoQueue', () => {
  it('serves in arrival order across growth and wrap-around, ignoring priority and TTL', () => {
    const q = new FifoQueue({ initialCapacity: 2 });
    q.attach(() => assert.fail('nothing is dropped'));
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 3; k++) q.offer(next++, k, 0);
      out.push(q.take(), q.take());
    }
    while (q.size > 0) out.push(q.take());
    assert.deepEqual(
      out,
      Array.from({ length: 150 }, (_, i) => i),
    );
    assert.equal(q.take(), -1);
  });

  it('refuses newcomers beyond capacity, reporting them as dropped (full)', () => {
    const q = new FifoQueue({ capacity: 2 });
    const dropped: string[] = [];
    q.attach((job, reason) => dropped.push(`${job}:${reason}`));
    q.offer(1, 0, Infinity);
    q.offer(2, 0, Infinity);
    q.offer(3, 0, Infinity);
    assert.deepEqual(dropped, ['3:full']);
    assert.equal(q.size, 2);
    assert.equal(q.take(), 1);
    q.offer(4, 0, Infinity);
    assert.deepEqual([q.take(), q.take(), q.take()], [2, 4, -1]);
  });

  it('with dropExpired, drops jobs whose TTL passed while they waited', () => {
    const sim = new Simulation();
    const q = new FifoQueue({ dropExpired: true, sim, initialCapacity: 1 });
    const dropped: string[] = [];
    q.attach((job, reason) => dropped.push(`${job}:${reason}`));
    q.offer(1, 0, 100);
    q.offer(2, 0, 1_000);
    q.offer(3, 0, Infinity);
    sim.scheduleFn(500, () => {});
    sim.run();
    assert.equal(q.take(), 2);
    assert.deepEqual(dropped, ['1:expired']);
    assert.equal(q.take(), 3);
  });

  it('rejects bad options, use before attach and a second attach', () => {
    assert.throws(() => new FifoQueue({ capacity: 0 }), /capacity .* got 0/);
    assert.throws(() => new FifoQueue({ initialCapacity: -1 }), /initialCapacity/);
    assert.throws(() => new FifoQueue({ dropExpired: true }), /needs the sim option/);
    const q = new FifoQueue({ capacity: 1 });
    q.offer(1, 0, 1);
    assert.throws(() => q.offer(2, 0, 1), /attached/);
    q.attach(() => {});
    assert.throws(() => q.attach(() => {}), /already attached/);
  });
});
