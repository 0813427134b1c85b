import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { isBulkheadRejectedError } from '../errors.js';
import { InMemorySharedState } from './in-memory-shared-state.js';
import { SharedLink } from './shared-link.js';
import { NO_PERMIT, SharedBulkhead } from './shared-bulkhead.js';
import type { SharedBulkheadOptions, SharedPermit } from './shared-bulkhead.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`shared-bulkhead.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

function fleet(n: number, options: Omit<SharedBulkheadOptions, 'link' | 'key'>) {
  const clock = new ManualClock();
  const state = new InMemorySharedState({ clock });
  const links = Array.from(
    { length: n },
    (_, i) =>
      new SharedLink({ state, clock, expectedInstances: n, instanceId: `i${i}`, timeoutMs: 50 }),
  );
  const bulkheads = links.map((link) => new SharedBulkhead({ link, key: 'dep', ...options }));
  return { clock, state, links, bulkheads };
}

describe('SharedBulkhead', () => {
  it('caps calls in flight across the fleet and hands freed permits to other instances', () => {
    const { bulkheads } = fleet(3, { maxConcurrent: 4 });
    const held: [number, SharedPermit][] = [];
    for (let round = 0; round < 3; round++) {
      bulkheads.forEach((b, i) => {
        const p = b.tryAcquire();
        if (p !== NO_PERMIT) held.push([i, p]);
      });
    }
    assert.equal(held.length, 4);
    const [i, p] = held.shift()!;
    bulkheads[i]!.release(p);
    assert.notEqual(bulkheads[(i + 1) % 3]!.tryAcquire(), NO_PERMIT);
  });

  it('never lets more than maxConcurrent calls run fleet-wide (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { maxLength: 200 }),
        (cap, spare, ops) => {
          const { bulkheads } = fleet(4, { maxConcurrent: cap, spare });
          const permits: SharedPermit[][] = bulkheads.map(() => []);
          let running = 0;
          for (const [who, acquire] of ops) {
            const b = bulkheads[who]!;
            if (acquire) {
              const p = b.tryAcquire();
              if (p !== NO_PERMIT) {
                permits[who]!.push(p);
                running++;
              }
            } else {
              const p = permits[who]!.pop();
              if (p !== undefined) {
                b.release(p);
                running--;
              }
            }
            assert.ok(running <= cap, `${running} running, cap ${cap}`);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('returns the permits of an instance that stopped renewing after leaseMs', () => {
    const { bulkheads } = fleet(2, { maxConcurrent: 2, leaseMs: 300 });
    const a = bulkheads[0]!;
    assert.notEqual(a.tryAcquire(), NO_PERMIT);
    assert.notEqual(a.tryAcquire(), NO_PERMIT);
    assert.equal(bulkheads[1]!.tryAcquire(), NO_PERMIT);
    a.dispose(); // gives back at once
    assert.notEqual(bulkheads[1]!.tryAcquire(), NO_PERMIT);
  });

  it('gives idle permits back at the next renewal', () => {
    const { bulkheads, clock } = fleet(2, { maxConcurrent: 2, spare: 1, leaseMs: 300 });
    const a = bulkheads[0]!;
    const p = a.tryAcquire();
    assert.equal(a.held, 2, 'one in use and one spare');
    a.release(p);
    assert.equal(a.held, 1, 'the spare is kept');
    clock.advance(100);
    clock.advance(100);
    assert.equal(a.held, 0, 'idle for a renewal: everything back');
  });

  it('falls back to its local share when the store is down, counting calls still in flight', () => {
    const { bulkheads, state } = fleet(4, { maxConcurrent: 8 });
    const b = bulkheads[0]!;
    const first = b.tryAcquire();
    assert.equal(first, 1);
    state.fault = 'down';
    const local: SharedPermit[] = [];
    for (let i = 0; i < 5; i++) {
      const p = b.tryAcquire();
      if (p !== NO_PERMIT) local.push(p);
    }
    assert.equal(b.mode, 'local');
    assert.equal(b.localMaxConcurrent, 2);
    assert.equal(local.length, 1, 'share of 2, one of them still taken by the fleet permit');
    b.release(first);
    assert.equal(b.tryAcquire(), 2);
  });

  it('execute runs on a permit and rejects with BulkheadRejectedError when none is left', async () => {
    const { bulkheads } = fleet(1, { maxConcurrent: 1 });
    const b = bulkheads[0]!;
    let release!: () => void;
    const running = b.execute(() => new Promise<void>((r) => (release = r)));
    await assert.rejects(
      b.execute(() => 1),
      (e) => isBulkheadRejectedError(e),
    );
    release();
    await running;
    assert.equal(await b.execute(() => 2), 2);
  });

  it('rejects bad options, naming them', () => {
    const { links } = fleet(1, { maxConcurrent: 1 });
    const link = links[0]!;
    assert.throws(
      () => new SharedBulkhead({ link, key: 'k', maxConcurrent: 0 }),
      /maxConcurrent must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => new SharedBulkhead({ link, key: 'k', maxConcurrent: 1, spare: -1 }),
      /spare/,
    );
    assert.throws(
      () => new SharedBulkhead({ link, key: 'k', maxConcurrent: 1, leaseMs: 0 }),
      /leaseMs/,
    );
  });
});
