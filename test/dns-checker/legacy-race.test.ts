/**
 * The negative control: in legacy mode (the 2025 algorithm) the checker must find the
 * outage's race — an active plan deleted (I3) and the name served with nothing (I1) —
 * within the first 2,000 seeds; the very same seed in safe mode must hold every invariant.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SeedResult } from '../../src/sim/dns-checker/seed-run.js';
import { runSeed, sweepSeeds } from '../../src/sim/dns-checker/sweep-seeds.js';

const LIMIT = 2000;
const STEP = 100;

describe('the checker in legacy mode', () => {
  it('finds the 2025 race (I1 or I3 broken) within the first 2,000 seeds', async () => {
    let found: SeedResult | undefined;
    for (let from = 1; from <= LIMIT && found === undefined; from += STEP) {
      await sweepSeeds({
        mode: 'legacy',
        from,
        count: STEP,
        onResult: (r) => {
          const race = r.violated.includes('I1') || r.violated.includes('I3');
          if (race && (found === undefined || r.seed < found.seed)) found = r;
        },
      });
    }
    assert.ok(found !== undefined, `no I1/I3 violation in seeds 1–${LIMIT}`);
    console.log(`legacy race: first I1/I3 at seed ${found.seed} (${found.violated.join(', ')})`);
    const story = found.timeline.join('\n');
    // The story of 2025: an unconditional apply of a stale plan, a clean-up that did not
    // re-check what was active, and the invariant lines themselves.
    assert.match(story, /APPLIES plan \d+ .* unconditionally/, story);
    assert.match(story, /deletes plans \[/, story);
    assert.match(story, /!! I[13] /, story);
    assert.ok(found.seed <= LIMIT);

    const safe = await runSeed(found.seed, 'safe');
    assert.deepEqual(
      safe.violated,
      [],
      `safe mode, seed ${found.seed}:\n${safe.timeline.join('\n')}`,
    );
  });
});
