/**
 * The shipped examples (examples/graph/) give the findings their comments promise: the seed's
 * chain deadlocks on a cycle, "multi-region" falls with us-east-1, multi-provider has no
 * single point of failure, and the Backstage form of multi-region reads the same.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { analyzeCatalogue } from '../../src/graph/analyze.js';
import type { GraphAnalysis } from '../../src/graph/analyze.js';
import { readCatalogueFiles } from '../../src/graph/read-catalogue-files.js';
import { graphReport } from '../../src/graph/report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
async function example(
  name: string,
  options: { maxOrder?: number; fail?: string[] } = {},
): Promise<GraphAnalysis> {
  const warnings: string[] = [];
  const catalogue = await readCatalogueFiles([`examples/graph/${name}`], {
    cwd: root,
    onWarning: (m) => warnings.push(m),
  });
  return analyzeCatalogue(catalogue, options);
}

describe('examples/graph/phonebook-chain.yaml', () => {
  it('finds the DynamoDB ↔ DNS-automation cycle and that nothing comes up from cold', async () => {
    const a = await example('phonebook-chain.yaml');
    assert.deepEqual(a.cycles, [['dns', 'dns-automation', 'planner', 'dynamodb']]);
    assert.deepEqual(a.coldStart.deadlocked, [
      'app',
      'dns',
      'dns-automation',
      'dynamodb',
      'enactor-az1',
      'enactor-az2',
      'enactor-az4',
      'lambda',
      'planner',
    ]);
    assert.deepEqual(a.spofs, [
      'dns',
      'dns-automation',
      'dynamodb',
      'lambda',
      'planner',
      'provider:aws',
      'region:us-east-1',
    ]);
    assert.deepEqual(a.sharedFate, [
      {
        component: 'dns-automation',
        anyOf: ['enactor-az1', 'enactor-az2', 'enactor-az4'],
        sharedBy: [
          'dns',
          'dns-automation',
          'dynamodb',
          'planner',
          'provider:aws',
          'region:us-east-1',
        ],
      },
    ]);
    assert.equal(a.cutSets.filter((s) => s.length === 2).length, 0);
    assert.ok(Math.abs(a.availability!.availability - 0.99828) < 1e-5);
    assert.ok(Math.abs(a.availability!.expectedYearlyCost - 753_400) < 1);
  });

  it('at --max-order 3 finds the three Enactors and their zones', async () => {
    const a = await example('phonebook-chain.yaml', { maxOrder: 3 });
    const triples = a.cutSets.filter((s) => s.length === 3);
    assert.equal(triples.length, 8);
    assert.ok(triples.some((s) => s.join() === 'enactor-az1,enactor-az2,enactor-az4'));
    assert.ok(triples.some((s) => s.join() === 'az:use1-az1,az:use1-az2,az:use1-az4'));
  });
});

describe('examples/graph/multi-region.yaml', () => {
  it('falls with us-east-1: IAM is shared fate of both regions', async () => {
    const a = await example('multi-region.yaml');
    assert.deepEqual(a.spofs, [
      'control-plane:iam-global',
      'dns',
      'iam',
      'provider:aws',
      'region:us-east-1',
    ]);
    assert.deepEqual(
      a.sharedFate.map((s) => [s.component, s.sharedBy]),
      [
        ['app', ['control-plane:iam-global', 'iam', 'provider:aws', 'region:us-east-1']],
        ['api-usw2', ['provider:aws']],
        ['api-use1', ['provider:aws']],
      ],
    );
    const pairs = a.cutSets.filter((s) => s.length === 2).map((s) => s.join(' '));
    assert.ok(
      pairs.includes('web-use1 web-usw2') && pairs.includes('db-use1 db-usw2'),
      pairs.join('; '),
    );
    assert.deepEqual(a.cycles, []);
    assert.deepEqual(a.coldStart.deadlocked, []);
  });

  it('what-if region:us-east-1 fails: the app is down although us-west-2 is up', async () => {
    const a = await example('multi-region.yaml', { fail: ['region:us-east-1'] });
    const states = a.whatIf!.states;
    assert.equal(states['app'], 'failed');
    assert.equal(states['web-usw2'], 'failed');
    assert.equal(states['db-usw2'], 'up');
    assert.equal(states['dns'], 'up');
  });
});

describe('examples/graph/multi-provider.yaml', () => {
  it('has no single point of failure and beats multi-region on availability and cost', async () => {
    const a = await example('multi-provider.yaml');
    const b = await example('multi-region.yaml');
    assert.deepEqual(a.spofs, []);
    assert.deepEqual(a.sharedFate, []);
    const pairs = a.cutSets.map((s) => s.join(' '));
    for (const p of [
      'provider:aws provider:gcp',
      'dns-cloudflare dns-route53',
      'iam-aws iam-gcp',
      'web-aws web-gcp',
    ]) {
      assert.ok(pairs.includes(p), p);
    }
    assert.ok(a.availability!.availability > b.availability!.availability);
    assert.ok(a.availability!.expectedYearlyCost < b.availability!.expectedYearlyCost / 10);
  });
});

describe('examples/graph/backstage-catalog-info.yaml', () => {
  it('reads as the same architecture as multi-region.yaml', async () => {
    const a = graphReport(await example('backstage-catalog-info.yaml'));
    const b = graphReport(await example('multi-region.yaml'));
    assert.deepEqual(a.spofs, b.spofs);
    assert.deepEqual(a.cutSets, b.cutSets);
    assert.deepEqual(a.sharedFate, b.sharedFate);
    assert.equal(a.availability, b.availability);
  });
});
