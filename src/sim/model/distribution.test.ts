import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.js';
import {
  constant,
  exponential,
  foldedNormal,
  loadDependent,
  normal,
  uniform,
} from './distribution.js';
import type { Distribution } from './distribution.js';

function stats(
  d: Distribution,
  n = 50_000,
  load?: number,
): { mean: number; min: number; max: number } {
  const rng = new Rng(11);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = d.sample(rng, load);
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { mean: sum / n, min, max };
}

describe('Distribution', () => {
  it('constant, uniform and exponential have the means and ranges they promise', () => {
    assert.deepEqual(stats(constant(250)), { mean: 250, min: 250, max: 250 });
    const u = stats(uniform(100, 300));
    assert.ok(Math.abs(u.mean - 200) < 2 && u.min >= 100 && u.max < 300);
    const e = stats(exponential(100_000));
    assert.ok(Math.abs(e.mean - 100_000) < 2_000, `exp mean ${e.mean}`);
    assert.ok(e.min >= 0);
  });

  it('normal is clamped into its bounds; foldedNormal mirrors negatives', () => {
    const n = stats(normal(10, 20, { minUs: 0, maxUs: 30 }));
    assert.ok(n.min === 0 && n.max === 30);
    const wide = stats(normal(10_000, 2_000));
    assert.ok(Math.abs(wide.mean - 10_000) < 50);
    const f = stats(foldedNormal(0, 1_000));
    assert.ok(f.min >= 0);
    // E|N(0, s)| = s·√(2/π)
    assert.ok(Math.abs(f.mean - 1_000 * Math.sqrt(2 / Math.PI)) < 15, `folded mean ${f.mean}`);
  });

  it('loadDependent adds a cost per request in progress: 1.0 s + 0.01 s × load', () => {
    const d = loadDependent(1_000_000, 10_000);
    const rng = new Rng(1);
    assert.equal(d.sample(rng, 1), 1_010_000);
    assert.equal(d.sample(rng, 50), 1_500_000);
    assert.equal(d.sample(rng), 1_010_000, 'load defaults to 1');
    const jittered = loadDependent(uniform(0, 10), 1);
    const x = jittered.sample(rng, 100);
    assert.ok(x >= 100 && x < 110);
    assert.match(d.description, /in progress/);
  });

  it('rejects negative, non-finite and inverted parameters, naming them', () => {
    assert.throws(() => constant(-1), /constant: valueUs .* got -1/);
    assert.throws(() => exponential(NaN), /meanUs/);
    assert.throws(() => uniform(5, 1), /maxUs must be >= minUs/);
    assert.throws(() => normal(1, -1), /sdUs/);
    assert.throws(() => normal(1, 1, { minUs: 5, maxUs: 2 }), /maxUs/);
    assert.throws(() => foldedNormal(Infinity, 1), /meanUs/);
    assert.throws(() => loadDependent(1, -1), /perInProgressUs/);
  });
});
