import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCatalogue, defaultTarget } from './analyze.js';
import { compileCatalogue } from './compiled-graph.js';
import { isGraphInputError } from './errors.js';
import { parseCatalogue } from './parse-catalogue.js';
import { graphReport } from './report.js';

const parse = (text: string) => parseCatalogue([{ path: 'c.yaml', text }]);

const CATALOGUE = `
domains: [{ id: region:us-east-1, availability: 0.999 }]
components:
  - id: app
    outageCostPerHour: 1000
    dependsOn: [{ anyOf: [east, west] }, { id: logs, mode: soft }]
  - { id: east, region: us-east-1, availability: 0.99, dependsOn: [iam] }
  - { id: west, region: us-west-2, availability: 0.99, dependsOn: [iam] }
  - { id: iam, region: us-east-1 }
  - { id: logs }
`;

describe('analyzeCatalogue', () => {
  it('runs every analysis and reports exactly the issue-7 JSON shape', () => {
    const report = graphReport(analyzeCatalogue(parse(CATALOGUE)));
    assert.deepEqual(Object.keys(report), [
      'target',
      'spofs',
      'cutSets',
      'cycles',
      'coldStartDeadlocks',
      'sharedFate',
      'blastRadius',
      'availability',
      'downtimeMinutesPerYear',
      'expectedYearlyCost',
    ]);
    assert.equal(report.target, 'app');
    assert.deepEqual(report.spofs, ['iam', 'region:us-east-1']);
    assert.deepEqual(report.cutSets, [
      ['iam'],
      ['region:us-east-1'],
      ['east', 'region:us-west-2'],
      ['east', 'west'],
    ]);
    assert.deepEqual(report.sharedFate, [
      { anyOf: ['east', 'west'], sharedBy: ['iam', 'region:us-east-1'] },
    ]);
    assert.deepEqual(report.blastRadius['iam'], { failed: ['app', 'east', 'west'], degraded: [] });
    const a = 0.999 * (1 - 0.01 * 0.01);
    assert.ok(Math.abs(report.availability! - a) < 1e-12);
    assert.ok(Math.abs(report.expectedYearlyCost! - (1 - a) * 8766 * 1000) < 1e-6);
    const parsed = JSON.parse(JSON.stringify(report)) as unknown;
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(report)));
  });

  it('adds a what-if when failures are given, and accepts a compiled graph', () => {
    const g = compileCatalogue(parse(CATALOGUE));
    const a = analyzeCatalogue(g, { target: 'east', fail: ['west'] });
    assert.equal(a.graph, g);
    assert.equal(a.target, 'east');
    assert.deepEqual(graphReport(a).whatIf, {
      failed: ['west'],
      states: { app: 'degraded', east: 'up', west: 'failed', iam: 'up', logs: 'up' },
    });
  });

  it('reports a too-large availability computation instead of failing', () => {
    const wide = parse(`
components:
  - { id: app, dependsOn: [{ anyOf: [a, b] }, { anyOf: [c, d] }, { anyOf: [e, f] }] }
  - { id: a, availability: 0.9 }
  - { id: b, availability: 0.9 }
  - { id: c, availability: 0.9 }
  - { id: d, availability: 0.9 }
  - { id: e, availability: 0.9 }
  - { id: f, availability: 0.9 }
`);
    const a = analyzeCatalogue(wide, { maxBddNodes: 16 });
    assert.equal(a.availability, undefined);
    assert.match(a.availabilityError ?? '', /maxBddNodes/);
    assert.equal(graphReport(a).availability, null);
  });

  it('rejects bad options and unknown ids', () => {
    assert.throws(
      () => analyzeCatalogue(parse(CATALOGUE), { maxOrder: 7 }),
      /maxOrder must be an integer in \[1, 6\], got 7/,
    );
    assert.throws(() => analyzeCatalogue(parse(CATALOGUE), { target: 'ap' }), isGraphInputError);
    assert.throws(
      () => analyzeCatalogue(parse(CATALOGUE), { target: 'region:us-east-1' }),
      /the target must be a component/,
    );
    assert.throws(() => analyzeCatalogue(parse(CATALOGUE), { fail: ['nope'] }), isGraphInputError);
  });
});

describe('defaultTarget', () => {
  it('is the one component nothing depends on', () => {
    assert.equal(defaultTarget(compileCatalogue(parse(CATALOGUE))), 'app');
  });
  it('asks for a target when there are several or none', () => {
    assert.throws(
      () => defaultTarget(compileCatalogue(parse('components: [{ id: a }, { id: b }]'))),
      /2 components have nothing depending on them \(a, b\); name the target/,
    );
    assert.throws(
      () => defaultTarget(compileCatalogue(parse('components: [{ id: a, dependsOn: [a] }]'))),
      /every component is depended on/,
    );
  });
});
