import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  REFUSED,
  admit,
  initialMachine,
  isProbeToken,
  isolate,
  openDurationMs,
  probeAbandoned,
  probeFailed,
  probeSucceeded,
  release,
  reset,
  tokenFor,
  trip,
} from './circuit-machine.js';
import type { MachineConfig } from './circuit-machine.js';

const cfg: MachineConfig = {
  halfOpenAfterMs: 100,
  maxHalfOpenAfterMs: 350,
  halfOpenBackoffFactor: 2,
  halfOpenMaxProbes: 2,
  halfOpenSuccessesToClose: 2,
};

describe('circuit-machine', () => {
  it('returns the same object for inputs that change nothing', () => {
    const closed = initialMachine();
    assert.equal(admit(closed, 0, cfg), closed);
    assert.equal(reset(closed), closed);
    const open = trip(closed, 0, cfg);
    assert.equal(admit(open, 99, cfg), open);
    assert.equal(trip(open, 0, cfg), open);
    assert.equal(probeSucceeded(open, 1, cfg), open);
  });

  it('backs the open time off exponentially up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 50].map((n) => openDurationMs(n, cfg)),
      [100, 200, 350, 350, 350],
    );
  });

  it('walks closed → open → half-open → closed, issuing probe tokens', () => {
    const closed = initialMachine();
    const open = trip(closed, 1000, cfg);
    assert.equal(open.state, 'open');
    assert.equal(open.openUntilMs, 1100);
    const h1 = admit(open, 1100, cfg);
    assert.equal(h1.state, 'half-open');
    const t1 = tokenFor(open, h1);
    assert.ok(isProbeToken(t1));
    const h2 = admit(h1, 1100, cfg);
    const t2 = tokenFor(h1, h2);
    assert.equal(t2, t1);
    assert.equal(admit(h2, 1100, cfg), h2); // both probe slots taken
    assert.equal(tokenFor(h2, h2), REFUSED);
    const h3 = probeSucceeded(h2, t1, cfg);
    assert.equal(h3.state, 'half-open');
    assert.equal(h3.probesInFlight, 1);
    const c = probeSucceeded(h3, t2, cfg);
    assert.equal(c.state, 'closed');
    assert.equal(c.opens, 0);
  });

  it('re-opens on a failed probe for longer, and ignores stale probe tokens', () => {
    const open = trip(initialMachine(), 0, cfg);
    const h = admit(open, 100, cfg);
    const token = tokenFor(open, h);
    const reopened = probeFailed(h, 100, token, cfg);
    assert.equal(reopened.state, 'open');
    assert.equal(reopened.opens, 2);
    assert.equal(reopened.openUntilMs, 300);
    const h2 = admit(reopened, 300, cfg);
    assert.equal(probeFailed(h2, 300, token, cfg), h2); // token of the earlier round
    assert.equal(probeAbandoned(h2, token), h2);
    const freed = probeAbandoned(h2, tokenFor(reopened, h2));
    assert.equal(freed.probesInFlight, 0);
    assert.equal(freed.state, 'half-open');
  });

  it('counts isolation handles, and a reset voids them', () => {
    const i1 = isolate(initialMachine());
    const i2 = isolate(i1);
    assert.equal(i2.isolations, 2);
    assert.equal(release(i2, i2.generation).state, 'isolated');
    assert.equal(release(release(i2, i2.generation), i2.generation).state, 'closed');
    const again = isolate(reset(i2));
    assert.equal(release(again, i2.generation), again);
  });
});
