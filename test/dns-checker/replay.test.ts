/**
 * `--seed S` replays one seed: the same seed prints the same timeline every time, and the
 * bounded timeline a sweep keeps is a slice of the replay's full one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runDnsCheck } from '../../src/cli/commands/dns-check.js';
import type { SeedResult } from '../../src/sim/dns-checker/seed-run.js';
import { runSeed, sweepSeeds } from '../../src/sim/dns-checker/sweep-seeds.js';
import { captureIo } from './capture-io.js';

describe('breakwater dns check --seed S', () => {
  it('prints the same timeline twice', async () => {
    const a = captureIo();
    const b = captureIo();
    const codeA = await runDnsCheck(['--mode', 'legacy', '--seed', '2'], a.io);
    const codeB = await runDnsCheck(['--mode', 'legacy', '--seed', '2'], b.io);
    assert.equal(codeA, codeB);
    assert.equal(a.stdout(), b.stdout());
    assert.match(a.stdout(), /replaying seed 2/);
    assert.match(a.stdout(), /timeline \(\d+ entries\):/);
    assert.match(a.stdout(), /\+00:00:00\.000 {2}setup target-added 'dns-1'/);
  });

  it("keeps, in a sweep, a slice of the replay's full timeline up to the first violation", async () => {
    let swept: SeedResult | undefined;
    await sweepSeeds({
      mode: 'legacy',
      from: 1,
      count: 20,
      onResult: (r) => {
        if (r.violated.length > 0 && (swept === undefined || r.seed < swept.seed)) swept = r;
      },
    });
    assert.ok(swept !== undefined);
    const full = await runSeed(swept.seed, 'legacy', { timelineCapacity: Infinity });
    assert.deepEqual(full.firsts, swept.firsts);
    assert.deepEqual(full.violated, swept.violated);
    const slice = swept.timeline.filter((l) => !l.startsWith('…'));
    const at = full.timeline.indexOf(slice[0]!);
    assert.ok(at >= 0, 'the first kept line is in the full timeline');
    assert.deepEqual(full.timeline.slice(at, at + slice.length), slice);
  });
});
