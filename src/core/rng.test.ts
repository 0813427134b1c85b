import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('gives identical streams for equal seeds and different streams for different seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 20 }, () => a.nextUint32());
    const ys = Array.from({ length: 20 }, () => b.nextUint32());
    const zs = Array.from({ length: 20 }, () => c.nextUint32());
    assert.deepEqual(xs, ys);
    assert.notDeepEqual(xs, zs);
    assert.deepEqual(
      Array.from({ length: 5 }, () => new Rng('seed').float()),
      Array.from({ length: 5 }, () => new Rng('seed').float()),
    );
  });

  it('float() stays in [0, 1) with a mean near 0.5', () => {
    const r = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.float();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
  });

  it('int(min, max) covers both ends and nothing outside, uniformly', () => {
    const r = new Rng(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const x = r.int(-2, 3);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    assert.deepEqual(
      [...counts.keys()].sort((p, q) => p - q),
      [-2, -1, 0, 1, 2, 3],
    );
    for (const n of counts.values()) assert.ok(Math.abs(n - 10_000) < 500, `count ${n}`);
  });

  it('rejects a bad int range and a non-finite seed', () => {
    const r = new Rng(1);
    assert.throws(() => r.int(3, 2), RangeError);
    assert.throws(() => r.int(0.5, 2), RangeError);
    assert.throws(() => new Rng(Number.NaN), /seed must be finite/);
    assert.throws(() => r.pick([]), RangeError);
  });

  it('normal() and exponential() have the right moments', () => {
    const r = new Rng(99);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal(10, 2);
      s += x;
      s2 += x * x;
      const y = r.exponential(3);
      assert.ok(y >= 0 && Number.isFinite(y));
      e += y;
    }
    const mean = s / n;
    const sd = Math.sqrt(s2 / n - mean * mean);
    assert.ok(Math.abs(mean - 10) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(sd - 2) < 0.05, `sd ${sd}`);
    assert.ok(Math.abs(e / n - 3) < 0.05, `exp mean ${e / n}`);
  });

  it('fork() gives reproducible, independent sub-streams', () => {
    const parent1 = new Rng(5);
    const parent2 = new Rng(5);
    const a1 = parent1.fork('a');
    const b1 = parent1.fork('b');
    const a2 = parent2.fork('a');
    assert.equal(a1.nextUint32(), a2.nextUint32());
    assert.notEqual(a1.nextUint32(), b1.nextUint32());
    // Draws in a child do not move the parent.
    const p = new Rng(5);
    const q = new Rng(5);
    const child = p.fork('x');
    q.fork('x');
    for (let i = 0; i < 10; i++) child.float();
    assert.equal(p.nextUint32(), q.nextUint32());
  });

  it('state() round-trips through fromState()', () => {
    const r = new Rng('round-trip');
    r.float();
    const copy = Rng.fromState(r.state());
    assert.deepEqual(
      Array.from({ length: 8 }, () => copy.nextUint32()),
      Array.from({ length: 8 }, () => r.nextUint32()),
    );
    assert.ok(Number.isFinite(Rng.fromEntropy().seed));
  });

  it('shuffle() is a permutation', () => {
    const r = new Rng(3);
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const ys = r.shuffle([...xs]);
    assert.deepEqual(
      [...ys].sort((p, q) => p - q),
      xs,
    );
    assert.notDeepEqual(ys, xs);
  });
});
