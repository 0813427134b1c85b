import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from '../kernel/simulation.js';
import { RequestLedger, RequestStatus } from './request-ledger.js';

describe('RequestLedger', () => {
  it('books requests, resolves each exactly once, and keeps totals equal to a recount', () => {
    const sim = new Simulation();
    const ledger = new RequestLedger(sim, { initialCapacity: 1 });
    const ids = Array.from({ length: 10 }, (_, i) => ledger.open(i * 10));
    assert.deepEqual(ids, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    sim.scheduleFn(250, () => {
      assert.equal(ledger.resolve(0, RequestStatus.Succeeded), true);
      assert.equal(ledger.resolve(0, RequestStatus.Failed), false, 'a late second outcome');
      ledger.resolve(1, RequestStatus.Failed);
      ledger.resolve(2, RequestStatus.TimedOut);
      ledger.resolve(3, RequestStatus.Dropped);
      ledger.resolve(4, RequestStatus.Succeeded);
    });
    sim.run();
    const counts = ledger.counts();
    assert.deepEqual(counts, {
      created: 10,
      inFlight: 5,
      succeeded: 2,
      failed: 1,
      timedOut: 1,
      dropped: 1,
    });
    assert.deepEqual(ledger.recount(), counts);
    assert.equal(ledger.status(0), RequestStatus.Succeeded);
    assert.equal(ledger.tag(3), 30);
    assert.equal(ledger.createdUs(0), 0);
    assert.equal(ledger.resolvedUs(0), 250);
    assert.equal(ledger.latencyUs(0), 250);
    assert.equal(ledger.latencyUs(9), -1);
    assert.equal(ledger.isInFlight(9), true);
  });

  it('rejects unknown ids and non-final statuses', () => {
    const ledger = new RequestLedger(new Simulation());
    assert.throws(() => ledger.status(0), /no request 0/);
    const id = ledger.open();
    assert.throws(() => ledger.resolve(id, RequestStatus.InFlight), /not a final status/);
    assert.throws(() => ledger.resolve(id, 9 as never), /not a final status/);
    assert.throws(
      () => new RequestLedger(new Simulation(), { initialCapacity: 0 }),
      /initialCapacity/,
    );
  });
});
