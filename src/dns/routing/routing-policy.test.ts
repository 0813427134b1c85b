import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ValidationIssue } from '../errors.js';
import { checkRoutedName } from './routing-policy.js';

function issuesOf(input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  checkRoutedName(input, 'names[0]', issues);
  return issues;
}

describe('checkRoutedName', () => {
  it('accepts a valid name of each kind', () => {
    for (const policy of [
      { kind: 'simple' },
      { kind: 'weighted' },
      { kind: 'multivalue', maxRecords: 8 },
    ]) {
      assert.deepEqual(
        issuesOf({ name: 'a.example.test', policy, endpoints: [{ address: '192.0.2.1' }] }),
        [],
      );
    }
    assert.deepEqual(
      issuesOf({
        name: 'a.example.test',
        policy: { kind: 'failover' },
        endpoints: [
          { address: '192.0.2.1', role: 'primary', healthCheck: 'p' },
          { address: '192.0.2.2', role: 'secondary' },
        ],
      }),
      [],
    );
    assert.deepEqual(
      issuesOf({
        name: 'a.example.test',
        policy: { kind: 'latency' },
        endpoints: [{ address: '2001:db8::1', region: 'eu-west-1' }],
      }),
      [],
    );
  });

  it('reports every problem with its field', () => {
    const issues = issuesOf({
      name: 'bad..name',
      ttl: -1,
      policy: { kind: 'weighted' },
      endpoints: [
        { address: 'nope', weight: 256 },
        { address: '192.0.2.1', weight: 1.5 },
      ],
    });
    assert.deepEqual(
      issues.map((i) => i.field),
      [
        'names[0].name',
        'names[0].ttl',
        'names[0].endpoints[0].address',
        'names[0].endpoints[0].weight',
        'names[0].endpoints[1].weight',
      ],
    );
  });

  it('requires roles and a primary for failover, regions for latency', () => {
    assert.deepEqual(
      issuesOf({
        name: 'a.example.test',
        policy: { kind: 'failover' },
        endpoints: [{ address: '192.0.2.1' }],
      }).map((i) => i.field),
      ['names[0].endpoints[0].role'],
    );
    assert.match(
      issuesOf({
        name: 'a.example.test',
        policy: { kind: 'failover' },
        endpoints: [{ address: '192.0.2.1', role: 'secondary' }],
      })[0]!.message,
      /at least one endpoint with role 'primary'/,
    );
    assert.deepEqual(
      issuesOf({
        name: 'a.example.test',
        policy: { kind: 'latency' },
        endpoints: [{ address: '192.0.2.1' }],
      }).map((i) => i.field),
      ['names[0].endpoints[0].region'],
    );
  });

  it('rejects an unknown kind, a bad maxRecords, duplicates and an empty endpoint list', () => {
    assert.deepEqual(
      issuesOf({ name: 'a.example.test', policy: { kind: 'geo' }, endpoints: [] }).map(
        (i) => i.field,
      ),
      ['names[0].policy.kind', 'names[0].endpoints'],
    );
    assert.deepEqual(
      issuesOf({
        name: 'a.example.test',
        policy: { kind: 'multivalue', maxRecords: 9 },
        endpoints: [{ address: '192.0.2.1' }, { address: '192.0.2.1' }],
      }).map((i) => i.field),
      ['names[0].policy.maxRecords', 'names[0].endpoints[1].address'],
    );
    assert.equal(issuesOf('nope').length, 1);
  });
});
