import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from './kernel/simulation.js';
import { Metrics } from './metrics.js';

describe('Metrics', () => {
  it('sums counters per simulated second and exports {t, ...} rows', () => {
    const time = { now: 0 };
    const m = new Metrics(time);
    const offered = m.counter('offered');
    const goodput = m.counter('goodput');
    m.add(offered);
    time.now = 999_999;
    m.add(offered, 2);
    m.add(goodput);
    time.now = 1_000_000; // first microsecond of bucket 1
    m.add(offered);
    time.now = 3_500_000;
    m.add(goodput, 4);
    assert.deepEqual(m.rows(), [
      { t: 0, offered: 3, goodput: 1 },
      { t: 1, offered: 1, goodput: 0 },
      { t: 2, offered: 0, goodput: 0 },
      { t: 3, offered: 0, goodput: 4 },
    ]);
    assert.equal(m.total('offered'), 4);
    assert.equal(m.total('goodput'), 5);
    assert.deepEqual(m.values('offered'), [3, 1, 0, 0]);
  });

  it('carries gauges forward from their last value (0 before the first), and averages means', () => {
    const time = { now: 0 };
    const m = new Metrics(time, { bucketUs: 10 });
    const queue = m.gauge('queue');
    const latency = m.mean('latency');
    time.now = 15;
    m.set(queue, 4);
    m.set(queue, 6); // the last value in the bucket wins
    m.record(latency, 10);
    m.record(latency, 20);
    time.now = 42;
    m.record(latency, 3);
    assert.deepEqual(m.rows(60), [
      { t: 0, queue: 0, latency: null },
      { t: 0.00001, queue: 6, latency: 15 },
      { t: 0.00002, queue: 6, latency: null },
      { t: 0.00003, queue: 6, latency: null },
      { t: 0.00004, queue: 6, latency: 3 },
      { t: 0.00005, queue: 6, latency: null },
    ]);
    time.now = 55;
    m.set(queue, 1);
    assert.deepEqual(m.values('queue'), [0, 6, 6, 6, 6, 1]);
    assert.equal(m.kindOf('queue'), 'gauge');
    assert.equal(m.kindOf('latency'), 'mean');
    assert.equal(m.kindOf('nope'), undefined);
  });

  it('grows past its preallocated buckets and reads time from a Simulation', () => {
    const sim = new Simulation();
    const m = new Metrics(sim, { initialBuckets: 2 });
    const ticks = m.counter('ticks');
    const level = m.gauge('level');
    const tick = sim.register((s) => {
      m.add(ticks);
      m.set(level, s.now / 1_000_000);
      if (s.now < 99_500_000) s.schedule(500_000, tick);
    });
    sim.schedule(0, tick);
    sim.run();
    const rows = m.rows();
    assert.equal(rows.length, 100);
    assert.ok(rows.every((r) => r['ticks'] === 2));
    assert.equal(rows[99]!['level'], 99.5);
    assert.equal(m.total('ticks'), 200);
    assert.equal(m.bucketCount(), 100);
    assert.equal(m.bucketCount(120_000_000), 120);
    assert.equal(m.rows(120_000_000)[119]!['ticks'], 0);
  });

  it('returns the same id for the same name and kind, and rejects misuse', () => {
    const m = new Metrics({ now: 0 });
    const a = m.counter('a');
    assert.equal(m.counter('a'), a);
    assert.throws(() => m.gauge('a'), /'a' is a counter, not a gauge/);
    assert.throws(() => m.set(a, 1), /not a gauge/);
    assert.throws(() => m.record(a, 1), /not a mean/);
    assert.throws(() => m.add(99), /unknown/);
    assert.throws(() => m.counter('t'), TypeError);
    assert.throws(() => m.counter(''), TypeError);
    assert.throws(() => m.total('missing'), /no series named 'missing'/);
    assert.throws(() => new Metrics({ now: 0 }, { bucketUs: 0 }), /bucketUs.*got 0/);
    assert.throws(() => new Metrics({ now: 0 }, { initialBuckets: 1.5 }), /initialBuckets/);
    assert.deepEqual(m.names, ['a']);
    assert.deepEqual(m.rows(), []);
  });
});
