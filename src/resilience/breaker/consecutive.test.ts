import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConsecutiveBreaker } from './consecutive.js';

describe('ConsecutiveBreaker', () => {
  it('trips on the Nth failure in a row', () => {
    const b = new ConsecutiveBreaker({ threshold: 3 });
    assert.equal(b.recordFailure(1, 0), undefined);
    assert.equal(b.recordFailure(1, 0), undefined);
    assert.equal(b.recordFailure(1, 0), 'consecutive');
  });

  it('starts counting again after a success', () => {
    const b = new ConsecutiveBreaker({ threshold: 2 });
    b.recordFailure(1, 0);
    assert.equal(b.recordSuccess(1, 0), undefined);
    assert.equal(b.consecutiveFailures, 0);
    assert.equal(b.recordFailure(1, 0), undefined);
    assert.equal(b.recordFailure(1, 0), 'consecutive');
  });

  it('exports and restores its count', () => {
    const a = new ConsecutiveBreaker({ threshold: 3 });
    a.recordFailure(1, 0);
    a.recordFailure(1, 0);
    const snap = JSON.parse(JSON.stringify(a.toJSON(0))) as ReturnType<typeof a.toJSON>;
    const b = new ConsecutiveBreaker({ threshold: 3 });
    b.restore(snap, 0);
    assert.equal(b.consecutiveFailures, 2);
    assert.equal(b.recordFailure(1, 0), 'consecutive');
  });

  it('refuses a snapshot of another kind or with a bad count', () => {
    const b = new ConsecutiveBreaker({ threshold: 3 });
    assert.throws(() => b.restore({ kind: 'count-window' }, 0), /strategy\.kind/);
    assert.throws(() => b.restore({ kind: 'consecutive', failures: -1 }, 0), /failures/);
  });

  it('rejects a bad threshold with a RangeError naming it', () => {
    for (const threshold of [0, 1.5, -1, NaN, Infinity]) {
      assert.throws(() => new ConsecutiveBreaker({ threshold }), {
        name: 'RangeError',
        message: /threshold/,
      });
    }
  });
});
