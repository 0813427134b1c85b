import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Bdd, FALSE, TRUE } from './bdd.js';

describe('Bdd', () => {
  it('is canonical and computes exact probabilities', () => {
    const b = new Bdd();
    const x = b.variable(0);
    const y = b.variable(1);
    const z = b.variable(2);
    assert.equal(b.or(x, y), b.or(y, x));
    assert.equal(b.and(x, b.or(x, y)), x);
    assert.equal(b.or(x, FALSE), x);
    assert.equal(b.and(x, TRUE), x);
    const f = b.or(b.and(x, y), b.and(x, z)); // x ∧ (y ∨ z)
    assert.equal(f, b.and(x, b.or(y, z)));
    const p = Float64Array.of(0.5, 0.1, 0.2);
    assert.ok(Math.abs(b.probability(f, p) - 0.5 * (1 - 0.9 * 0.8)) < 1e-15);
    assert.equal(b.probability(TRUE, p), 1);
    assert.equal(b.probability(FALSE, p), 0);
  });

  it('throws when its node budget is exceeded', () => {
    const b = new Bdd(4);
    b.variable(0);
    b.variable(1);
    assert.throws(() => b.variable(2), /more than 4 nodes/);
  });
});
