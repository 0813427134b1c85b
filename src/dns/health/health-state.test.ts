import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { checkHealthThresholds, initialHealthState, nextHealthState } from './health-state.js';
import type { HealthState } from './health-state.js';

const seed =
  process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : randomInt(2 ** 31);
console.log(`health-state.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

const t = { failureThreshold: 2, successThreshold: 3 };

describe('nextHealthState', () => {
  it('goes down after failureThreshold failures in a row and up after successThreshold successes', () => {
    let s = initialHealthState();
    s = nextHealthState(s, false, t);
    assert.equal(s.healthy, true);
    s = nextHealthState(s, true, t);
    s = nextHealthState(s, false, t);
    assert.equal(s.healthy, true, 'a success in between resets the count');
    s = nextHealthState(s, false, t);
    assert.deepEqual(s, { healthy: false, consecutiveFailures: 2, consecutiveSuccesses: 0 });
    s = nextHealthState(nextHealthState(s, true, t), true, t);
    assert.equal(s.healthy, false);
    s = nextHealthState(s, true, t);
    assert.deepEqual(s, { healthy: true, consecutiveFailures: 0, consecutiveSuccesses: 3 });
  });

  it('does not mutate its input', () => {
    const s = Object.freeze(initialHealthState(false));
    assert.doesNotThrow(() => nextHealthState(s, true, t));
  });

  it('flips only after a threshold-long run of the opposite result (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (failureThreshold, successThreshold, results) => {
          const th = { failureThreshold, successThreshold };
          let s: HealthState = initialHealthState();
          results.forEach((ok, i) => {
            const next = nextHealthState(s, ok, th);
            if (next.healthy !== s.healthy) {
              const need = next.healthy ? successThreshold : failureThreshold;
              const run = results.slice(i + 1 - need, i + 1);
              assert.equal(run.length, need);
              assert.ok(
                run.every((r) => r === ok),
                'the last `need` results agree',
              );
            }
            s = next;
          });
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});

describe('checkHealthThresholds', () => {
  it('rejects thresholds below 1, naming them', () => {
    assert.throws(
      () => checkHealthThresholds('x', { failureThreshold: 0, successThreshold: 1 }),
      /failureThreshold must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => checkHealthThresholds('x', { failureThreshold: 1, successThreshold: 1.5 }),
      /successThreshold/,
    );
  });
});
