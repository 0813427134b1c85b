import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QueueRing } from './queue-ring.js';

const seed = Number(process.env.FC_SEED ?? 20251020);
console.log(`queue-ring property tests: FC_SEED=${seed}`);

type Op =
  | { readonly k: 'push' }
  | { readonly k: 'oldest' }
  | { readonly k: 'newest' }
  | { readonly k: 'kill'; readonly pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Op>({ k: 'push' }) },
  { weight: 2, arbitrary: fc.constant<Op>({ k: 'oldest' }) },
  { weight: 2, arbitrary: fc.constant<Op>({ k: 'newest' }) },
  { weight: 3, arbitrary: fc.nat(1000).map<Op>((pick) => ({ k: 'kill', pick })) },
);

describe('QueueRing', () => {
  it('pushes, pops both ends and finds tickets like an array model, through growth and compaction', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400, size: 'max' }), (ops) => {
        const ring = new QueueRing<number>(1);
        const model: number[] = [];
        let next = 0;
        let peak = 0;
        for (const op of ops) {
          if (op.k === 'push') {
            ring.push(next, next * 10, next * 10 + 5, next * 3);
            model.push(next++);
          } else if (op.k === 'oldest' && model.length > 0) {
            assert.equal(ring.item(ring.oldest), model[0]);
            ring.removeOldest();
            model.shift();
          } else if (op.k === 'newest' && model.length > 0) {
            assert.equal(ring.item(ring.newest), model[model.length - 1]);
            ring.removeNewest();
            model.pop();
          } else if (op.k === 'kill' && model.length > 0) {
            const idx = op.pick % model.length;
            const v = model[idx]!;
            const s = ring.find(v * 3);
            assert.ok(s >= 0, `ticket ${v * 3} found`);
            assert.equal(ring.item(s), v);
            assert.equal(ring.enqueuedAt(s), v * 10);
            assert.equal(ring.deadline(s), v * 10 + 5);
            ring.markDead(s);
            ring.trim();
            model.splice(idx, 1);
            assert.equal(ring.find(v * 3), -1, 'a dead ticket is not found');
          }
          assert.equal(ring.live, model.length);
          if (model.length > 0) {
            assert.equal(ring.item(ring.oldest), model[0]);
            assert.equal(ring.item(ring.newest), model[model.length - 1]);
          } else {
            assert.equal(ring.slots, 0);
          }
          // Tombstones never make the allocation run away: it grows only when more than half
          // the slots are live, so it stays within 4× the most items ever live at once.
          peak = Math.max(peak, model.length);
          assert.ok(ring.allocated <= Math.max(8, 4 * peak), `${ring.allocated} for ${peak}`);
        }
        const live: number[] = [];
        for (let k = 0; k < ring.slots; k++) {
          const s = ring.slotAt(k);
          if (!ring.isDead(s)) live.push(ring.item(s));
        }
        assert.deepEqual(live, model);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('clear() empties it and it stays usable', () => {
    const ring = new QueueRing<string>();
    for (let i = 0; i < 20; i++) ring.push(`x${i}`, i, i, i);
    ring.clear();
    assert.equal(ring.live, 0);
    assert.equal(ring.slots, 0);
    ring.push('y', 0, 0, 100);
    assert.equal(ring.item(ring.oldest), 'y');
    assert.equal(ring.ticket(ring.newest), 100);
  });
});
