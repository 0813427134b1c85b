import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseInventory } from '../../dns/inventory.js';
import { CHECK_ENACTORS, CONVERGE_WITHIN_MS, drawCheckSchedule } from './check-schedule.js';

const envSeed = process.env['FC_SEED'];
const seed = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : 20251020;
console.log(`drawCheckSchedule properties: fast-check seed ${seed} (FC_SEED to replay)`);

describe('drawCheckSchedule', () => {
  it('draws the same schedule for the same seed', () => {
    assert.deepEqual(drawCheckSchedule(42, 'safe'), drawCheckSchedule(42, 'safe'));
    assert.notDeepEqual(drawCheckSchedule(42, 'safe'), drawCheckSchedule(43, 'safe'));
  });

  it('gives both modes the same world, less the crashes of components legacy mode lacks', () => {
    for (let s = 1; s <= 50; s++) {
      const safe = drawCheckSchedule(s, 'safe');
      const legacy = drawCheckSchedule(s, 'legacy');
      assert.deepEqual({ ...legacy, mode: 'safe', crashes: [] }, { ...safe, crashes: [] });
      assert.deepEqual(
        legacy.crashes,
        safe.crashes.filter((c) => c.component !== 'janitor' && c.component !== 'reconciler'),
      );
    }
  });

  it('draws valid inventories, and faults that stop after the last change and stall', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.constantFrom('safe', 'legacy'),
        (s, mode) => {
          const sc = drawCheckSchedule(s, mode);
          parseInventory(sc.inventory);
          let last = 0;
          for (const c of sc.changes) {
            parseInventory(c.inventory);
            assert.ok(c.atMs >= last, 'changes in time order');
            last = c.atMs;
          }
          assert.ok(sc.changes.length >= 1 && sc.changes.length <= 14);
          assert.ok(CHECK_ENACTORS.includes(sc.stalledEnactor));
          assert.ok(sc.stalls.length >= 1 && sc.stalls.length <= 2);
          for (const st of sc.stalls) {
            assert.ok(st.durationMs >= 10_000 && st.durationMs <= 7_200_000);
            assert.ok(sc.healAtMs >= st.atMs + st.durationMs, 'heal after every stall ends');
          }
          assert.ok(sc.healAtMs >= last);
          for (const c of sc.crashes) {
            assert.ok(c.atMs <= sc.healAtMs);
            if (mode === 'legacy') assert.ok(!['janitor', 'reconciler'].includes(c.component));
          }
          assert.ok(sc.retain >= 2 && sc.retain <= 4);
          assert.equal(sc.convergeWithinMs, CONVERGE_WITHIN_MS);
          assert.ok(sc.settleMs > sc.intervals.plannerMs);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
