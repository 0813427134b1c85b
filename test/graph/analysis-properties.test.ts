/**
 * Property tests: every exact analysis against the brute-force reference (./reference.ts) on
 * small random catalogues — cycles, soft edges, anyOf groups, domains and availabilities of 0
 * and 1 included. FC_SEED=<n> reproduces a run; the seed is printed either way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import type {
  Catalogue,
  ComponentSpec,
  Dependency,
  DomainSpec,
} from '../../src/graph/catalogue.js';
import { compileCatalogue } from '../../src/graph/compiled-graph.js';
import { singlePointsOfFailure } from '../../src/graph/single-points-of-failure.js';
import { minimalCutSets } from '../../src/graph/cut-sets.js';
import { availability } from '../../src/graph/availability.js';
import { blastRadius } from '../../src/graph/blast-radius.js';
import { findSharedFate } from '../../src/graph/shared-fate.js';
import { coldStart } from '../../src/graph/cold-start.js';
import { hardCycles } from '../../src/graph/cycles.js';
import { whatIf } from '../../src/graph/what-if.js';
import {
  refAvailability,
  refBlastRadius,
  refColdStartDeadlocks,
  refCutSets,
  refDegraded,
  refDown,
  refGraph,
  refHardCycles,
  refSharedFate,
  refSpofs,
} from './reference.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`graph property tests: FC_SEED=${seed}`);
const numRuns = Number(process.env.FC_RUNS ?? 300);

/** A random small catalogue and a target in it. */
const arbCase = fc
  .record({ n: fc.integer({ min: 1, max: 6 }), d: fc.integer({ min: 0, max: 3 }) })
  .chain(({ n, d }) => {
    const comp = fc.nat(n - 1);
    const avail = fc.constantFrom(1, 1, 0.9, 0.5, 0.99, 0);
    return fc.record({
      target: comp,
      domains: fc.array(fc.constantFrom(1, 0.9, 0.7, 0), { minLength: d, maxLength: d }),
      components: fc.array(
        fc.record({
          availability: avail,
          hard: fc.uniqueArray(comp, { maxLength: 2 }),
          soft: fc.uniqueArray(comp, { maxLength: 2 }),
          groups: fc.array(fc.uniqueArray(comp, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
          domains:
            d === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.nat(d - 1), { maxLength: 2 }),
        }),
        { minLength: n, maxLength: n },
      ),
    });
  })
  .map(({ target, domains, components }) => {
    const domainSpecs: DomainSpec[] = domains.map((a, j) => ({
      id: `zone:${j}`,
      availability: a,
      implicit: false,
    }));
    const specs: ComponentSpec[] = components.map((c, i) => {
      const dependsOn: Dependency[] = [
        ...c.hard.map((x) => ({ kind: 'hard' as const, id: `c${x}` })),
        ...c.soft
          .filter((x) => !c.hard.includes(x))
          .map((x) => ({ kind: 'soft' as const, id: `c${x}` })),
        ...c.groups.map((g) => ({ kind: 'anyOf' as const, ids: g.map((x) => `c${x}`) })),
      ];
      return {
        id: `c${i}`,
        availability: c.availability,
        dependsOn,
        domains: c.domains.map((j) => `zone:${j}`),
      };
    });
    const catalogue: Catalogue = {
      domains: domainSpecs,
      components: specs,
      sources: [],
      aliases: new Map(),
    };
    return { catalogue, target: `c${target}` };
  });

const canon = (sets: readonly (readonly string[])[]): string[] =>
  sets.map((s) => [...s].sort().join(' ')).sort();
const check = <Ts extends [unknown]>(prop: fc.IProperty<Ts>): void =>
  fc.assert(prop, { seed, numRuns });

describe('graph analyses against brute force', () => {
  it('single points of failure match failing each event alone', () => {
    check(
      fc.property(arbCase, ({ catalogue, target }) => {
        const g = compileCatalogue(catalogue);
        const r = refGraph(catalogue);
        assert.deepEqual(singlePointsOfFailure(g, target), refSpofs(r, r.ids.indexOf(target)));
      }),
    );
  });

  it('minimal cut sets of order ≤ 2 and ≤ 3 match enumerating every combination', () => {
    check(
      fc.property(arbCase, ({ catalogue, target }) => {
        const g = compileCatalogue(catalogue);
        const r = refGraph(catalogue);
        const t = r.ids.indexOf(target);
        for (const maxOrder of [1, 2, 3]) {
          assert.deepEqual(
            canon(minimalCutSets(g, target, { maxOrder })),
            canon(refCutSets(r, t, maxOrder)),
            `maxOrder ${maxOrder}`,
          );
        }
      }),
    );
  });

  it('cut sets come out sorted by order, then members', () => {
    check(
      fc.property(arbCase, ({ catalogue, target }) => {
        const sets = minimalCutSets(compileCatalogue(catalogue), target, { maxOrder: 3 });
        for (let i = 1; i < sets.length; i++) {
          const a = sets[i - 1]!;
          const b = sets[i]!;
          assert.ok(a.length <= b.length);
          if (a.length === b.length) assert.ok(a.join('\u0001') < b.join('\u0001'));
        }
      }),
    );
  });

  it('exact availability matches summing over all 2^events failure combinations', () => {
    check(
      fc.property(arbCase, ({ catalogue, target }) => {
        const g = compileCatalogue(catalogue);
        const r = refGraph(catalogue);
        const got = availability(g, target);
        const want = refAvailability(r, r.ids.indexOf(target));
        assert.ok(Math.abs(got.availability - want) < 1e-12, `${got.availability} vs ${want}`);
        assert.ok(Math.abs(got.unavailability - (1 - want)) < 1e-12);
      }),
    );
  });

  it('blast radius of every event matches failing it alone', () => {
    check(
      fc.property(arbCase, ({ catalogue }) => {
        const g = compileCatalogue(catalogue);
        assert.deepEqual(blastRadius(g).toJSON(), refBlastRadius(refGraph(catalogue)));
      }),
    );
  });

  it('shared fate matches the events that alone kill every branch', () => {
    check(
      fc.property(arbCase, ({ catalogue }) => {
        const got = findSharedFate(compileCatalogue(catalogue)).map((s) => ({
          anyOf: [...s.anyOf],
          sharedBy: [...s.sharedBy],
        }));
        assert.deepEqual(got, refSharedFate(refGraph(catalogue)));
      }),
    );
  });

  it('cold-start deadlocks and hard cycles match naive iteration and reachability', () => {
    check(
      fc.property(arbCase, ({ catalogue }) => {
        const g = compileCatalogue(catalogue);
        const r = refGraph(catalogue);
        assert.deepEqual([...coldStart(g).deadlocked], refColdStartDeadlocks(r));
        assert.deepEqual(canon(hardCycles(g)), canon(refHardCycles(r)));
      }),
    );
  });

  it('what-if states match the naive fixpoint for any set of failures', () => {
    check(
      fc.property(
        arbCase.chain((c) =>
          fc.record({
            c: fc.constant(c),
            fail: fc.subarray([
              ...c.catalogue.components.map((x) => x.id),
              ...c.catalogue.domains.map((x) => x.id),
            ]),
          }),
        ),
        ({ c, fail }) => {
          const g = compileCatalogue(c.catalogue);
          const r = refGraph(c.catalogue);
          const down = refDown(r, new Set(fail.map((id) => r.ids.indexOf(id))));
          const degraded = refDegraded(r, down);
          const want: Record<string, string> = {};
          for (let i = 0; i < r.n; i++) {
            want[r.ids[i]!] = down[i] ? 'failed' : degraded[i] ? 'degraded' : 'up';
          }
          assert.deepEqual(whatIf(g, fail).states, want);
        },
      ),
    );
  });
});
