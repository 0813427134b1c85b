/**
 * The positive claim, as CI runs it: in safe mode no seed breaks any invariant. CI sweeps
 * 2,000 seeds (DNS_CHECK_SEEDS to change it); `node scripts/dns-check-full.mjs` runs the
 * full 100,000. A failure prints the first breaking seed's timeline; replay it with
 * `breakwater dns check --mode safe --seed S`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCheckSweep } from '../../src/sim/dns-checker/run-check-sweep.js';

const seeds = Number(process.env['DNS_CHECK_SEEDS'] ?? 2000);

describe('the checker in safe mode', () => {
  it(`finds no violation in seeds 1–${seeds}`, async () => {
    const { summary, workersUsed, fallback } = await runCheckSweep({ mode: 'safe', count: seeds });
    console.log(
      `safe sweep: ${summary.seeds} seeds, ${summary.violations} violating, ${workersUsed} workers${fallback === undefined ? '' : ` (${fallback})`}`,
    );
    const firsts = [...Object.values(summary.firstByInvariant), summary.firstError]
      .filter((r) => r !== undefined)
      .map(
        (r) =>
          `seed ${r.seed}: ${r.violated.join(', ')} ${r.error ?? ''}\n${r.timeline.join('\n')}`,
      )
      .join('\n\n');
    assert.equal(summary.seeds, seeds);
    assert.equal(summary.errors, 0, firsts);
    assert.equal(summary.violations, 0, firsts);
    assert.equal(summary.firstViolationSeed, null);
  });
});
