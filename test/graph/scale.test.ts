/**
 * At sizes brute force cannot reach (hundreds of components, so 2^events is out of the
 * question), the fast analyses still agree with the direct method: one failure propagation per
 * event for single points of failure and blast radius, one per candidate pair for order-2 cut
 * sets. The propagation itself is checked against brute force in analysis-properties.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { blastRadius } from '../../src/graph/blast-radius.js';
import { compileCatalogue } from '../../src/graph/compiled-graph.js';
import { minimalCutSets } from '../../src/graph/cut-sets.js';
import { generateCatalogue } from '../../src/graph/generate-catalogue.js';
import { degradedSet, downSet } from '../../src/graph/internal/propagate.js';
import { singlePointsOfFailure } from '../../src/graph/single-points-of-failure.js';

const sizes = [
  { components: 150, seed: 'scale-1', crossShare: 0.15 },
  { components: 300, seed: 'scale-2', crossShare: 0.5 },
  { components: 200, seed: 'scale-3', crossShare: 1, anyOfShare: 0.5 },
];

describe('graph analyses on generated catalogues', () => {
  for (const { components, seed, ...shape } of sizes) {
    it(`agree with direct propagation at ${components} components (${seed})`, () => {
      const g = compileCatalogue(
        generateCatalogue({
          components,
          dependencies: components * 5,
          rng: new Rng(seed),
          ...shape,
        }),
      );
      const br = blastRadius(g).toJSON();
      const kills: Uint8Array[] = [];
      for (let e = 0; e < g.eventCount; e++) {
        const down = downSet(g, [e]);
        const degraded = degradedSet(g, down);
        kills.push(down);
        const ids = (set: Uint8Array): string[] =>
          g.ids
            .slice(0, g.componentCount)
            .filter((_, c) => set[c] === 1 && c !== e)
            .sort();
        assert.deepEqual(br[g.ids[e]!], { failed: ids(down), degraded: ids(degraded) }, g.ids[e]);
      }
      // Targets: a few entry points.
      for (let t = 0; t < 5; t++) {
        const target = g.ids[t]!;
        const spofs = g.ids.filter((_, e) => e !== t && kills[e]![t] === 1).sort();
        assert.deepEqual(singlePointsOfFailure(g, target), spofs);
        const cuts = minimalCutSets(g, target);
        const pairs = cuts.filter((s) => s.length === 2).map((s) => s.join(' '));
        const want: string[] = [];
        const cand = g.ids.map((_, e) => e).filter((e) => e !== t && kills[e]![t] === 0);
        for (let i = 0; i < cand.length; i++) {
          for (let j = i + 1; j < cand.length; j++) {
            if (downSet(g, [cand[i]!, cand[j]!])[t] === 1) {
              want.push([g.ids[cand[i]!]!, g.ids[cand[j]!]!].sort().join(' '));
            }
          }
        }
        assert.deepEqual(pairs.sort(), want.sort(), target);
      }
    });
  }
});
