import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availability, HOURS_PER_YEAR, MINUTES_PER_YEAR } from './availability.js';
import { compileCatalogue } from './compiled-graph.js';
import { parseCatalogue } from './parse-catalogue.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));
const close = (a: number, b: number) =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('availability', () => {
  it('multiplies in series and combines in parallel', () => {
    const g = compile(`
components:
  - { id: app, availability: 0.99, outageCostPerHour: 100, dependsOn: [{ anyOf: [a, b] }] }
  - { id: a, availability: 0.9 }
  - { id: b, availability: 0.8 }
`);
    const r = availability(g, 'app');
    const want = 0.99 * (1 - 0.1 * 0.2);
    close(r.availability, want);
    close(r.unavailability, 1 - want);
    close(r.downtimeMinutesPerYear, (1 - want) * MINUTES_PER_YEAR);
    close(r.expectedYearlyCost, (1 - want) * HOURS_PER_YEAR * 100);
    assert.equal(r.variables, 3);
  });

  it('counts a shared domain once instead of multiplying it into both branches', () => {
    const g = compile(`
domains: [{ id: region:r, availability: 0.9 }]
components:
  - { id: app, dependsOn: [{ anyOf: [a, b] }] }
  - { id: a, region: r, availability: 0.5 }
  - { id: b, region: r, availability: 0.5 }
`);
    close(availability(g, 'app').availability, 0.9 * (1 - 0.25));
  });

  it('handles certain failures, perfect components and cycles (least fixpoint)', () => {
    const g = compile(`
components:
  - { id: app, dependsOn: [{ anyOf: [dead, x] }] }
  - { id: dead, availability: 0 }
  - { id: x, availability: 0.75, dependsOn: [y] }
  - { id: y, dependsOn: [x] }
`);
    close(availability(g, 'app').availability, 0.75);
    const r = availability(compile('components: [{ id: a }]'), 'a');
    assert.equal(r.availability, 1);
    assert.equal(r.expectedYearlyCost, 0);
  });

  it('refuses to grow past its node budget', () => {
    const g = compile(`
components:
  - { id: app, dependsOn: [{ anyOf: [a, b] }, { anyOf: [c, d] }, { anyOf: [e, f] }] }
  - { id: a, availability: 0.9 }
  - { id: b, availability: 0.9 }
  - { id: c, availability: 0.9 }
  - { id: d, availability: 0.9 }
  - { id: e, availability: 0.9 }
  - { id: f, availability: 0.9 }
`);
    assert.ok(availability(g, 'app').bddNodes > 16);
    assert.throws(() => availability(g, 'app', { maxBddNodes: 16 }), /raise maxBddNodes/);
    assert.throws(
      () => availability(g, 'app', { maxBddNodes: 3 }),
      /maxBddNodes must be an integer ≥ 16, got 3/,
    );
  });
});
