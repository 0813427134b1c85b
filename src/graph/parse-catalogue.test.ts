import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCatalogue } from './parse-catalogue.js';
import { isCatalogueError } from './errors.js';
import type { CatalogueIssue } from './errors.js';

const one = (text: string, path = 'cat.yaml') => parseCatalogue([{ path, text }]);

/** The issues a bad catalogue raises. */
function issues(sources: { path: string; text: string }[]): CatalogueIssue[] {
  try {
    parseCatalogue(sources);
  } catch (err) {
    assert.ok(isCatalogueError(err), String(err));
    return [...err.issues];
  }
  assert.fail('expected a CatalogueError');
}
const issuesOf = (text: string) => issues([{ path: 'cat.yaml', text }]);

describe('parseCatalogue', () => {
  it('reads components, dependencies of every kind, domains and implicit region/provider domains', () => {
    const c = one(`
domains:
  - id: control-plane:iam-global
    availability: 0.9999
components:
  - id: app
    region: us-west-2
    provider: aws
    availability: 0.9995
    outageCostPerHour: 50000
    dependsOn:
      - lambda
      - { id: analytics, mode: soft }
      - { id: cache, mode: hard }
      - { anyOf: [db-usw2, db-use1] }
    domains: [control-plane:iam-global]
  - { id: lambda }
  - { id: analytics }
  - { id: cache }
  - { id: db-usw2, region: us-west-2 }
  - { id: db-use1, region: us-east-1 }
`);
    const app = c.components[0]!;
    assert.equal(app.id, 'app');
    assert.equal(app.availability, 0.9995);
    assert.equal(app.outageCostPerHour, 50000);
    assert.deepEqual(app.dependsOn, [
      { kind: 'hard', id: 'lambda' },
      { kind: 'soft', id: 'analytics' },
      { kind: 'hard', id: 'cache' },
      { kind: 'anyOf', ids: ['db-usw2', 'db-use1'] },
    ]);
    assert.deepEqual(app.domains, ['region:us-west-2', 'provider:aws', 'control-plane:iam-global']);
    assert.equal(c.components[1]!.availability, 1);
    assert.deepEqual(
      c.domains.map((d) => [d.id, d.availability, d.implicit]),
      [
        ['control-plane:iam-global', 0.9999, false],
        ['provider:aws', 1, true],
        ['region:us-east-1', 1, true],
        ['region:us-west-2', 1, true],
      ],
    );
    assert.equal(app.location?.line, 6);
  });

  it('reads JSON through the same parser, with line numbers', () => {
    const err = issues([
      {
        path: 'cat.json',
        text: '{\n  "components": [\n    {"id": "a", "dependsOn": ["nope"]}\n  ]\n}\n',
      },
    ]);
    assert.equal(err.length, 1);
    assert.equal(err[0]!.location.file, 'cat.json');
    assert.equal(err[0]!.location.line, 3);
    assert.equal(err[0]!.field, 'components[0].dependsOn[0]');
    assert.match(err[0]!.message, /unknown component 'nope'/);
  });

  it('merges several files, resolving references across them', () => {
    const c = parseCatalogue([
      { path: 'a.yaml', text: 'components:\n  - { id: app, dependsOn: [db] }\n' },
      { path: 'b.yaml', text: 'components:\n  - { id: db }\n' },
    ]);
    assert.deepEqual(c.sources, ['a.yaml', 'b.yaml']);
    assert.deepEqual(
      c.components.map((x) => x.id),
      ['app', 'db'],
    );
  });

  it('reports duplicate ids across files, naming both places', () => {
    const err = issues([
      { path: 'a.yaml', text: 'components:\n  - id: app\n' },
      { path: 'b.yaml', text: '\n\ncomponents:\n  - id: app\n' },
    ]);
    assert.equal(err.length, 1);
    assert.equal(err[0]!.location.file, 'b.yaml');
    assert.equal(err[0]!.location.line, 4);
    assert.match(err[0]!.message, /duplicate component id 'app' \(first declared at a\.yaml:2\)/);
  });

  it('suggests the nearest valid key for an unknown key', () => {
    const err = issuesOf('components:\n  - id: app\n    dependOn: [x]\n');
    assert.equal(err.length, 1);
    assert.equal(err[0]!.field, 'components[0].dependOn');
    assert.equal(err[0]!.location.line, 3);
    assert.match(err[0]!.message, /unknown key 'dependOn'; did you mean 'dependsOn'\?/);
    const top = issuesOf('component:\n  - id: app\n');
    assert.match(top[0]!.message, /did you mean 'components'\?/);
    const dep = issuesOf(
      'components:\n  - id: a\n    dependsOn: [{ id: b, mdoe: soft }]\n  - id: b\n',
    );
    assert.match(dep[0]!.message, /'mdoe'; did you mean 'mode'\?/);
  });

  it('rejects a soft anyOf', () => {
    const err = issuesOf(
      'components:\n  - id: a\n    dependsOn:\n      - { anyOf: [b, c], mode: soft }\n  - {id: b}\n  - {id: c}\n',
    );
    assert.equal(err.length, 1);
    assert.equal(err[0]!.field, 'components[0].dependsOn[0].mode');
    assert.equal(err[0]!.location.line, 4);
    assert.match(err[0]!.message, /an anyOf cannot be soft/);
  });

  it('reports unknown references with the nearest id, and domains used as components', () => {
    const err = issuesOf(
      'components:\n  - id: app\n    region: x\n    dependsOn: [lamda, region:x, { anyOf: [lambda, dbb] }]\n  - id: lambda\n  - id: db\n',
    );
    assert.deepEqual(
      err.map((e) => e.message),
      [
        "unknown component 'lamda'; did you mean 'lambda'?",
        "'region:x' is a failure domain, not a component; list it under domains",
        "unknown component 'dbb'; did you mean 'db'?",
      ],
    );
  });

  it('validates the type and range of every field', () => {
    const err = issuesOf(`
domains:
  - { id: d, availability: 2 }
  - { availability: 0.5 }
  - just-a-string
components:
  - id: 7
  - id: a
    region: 5
    provider: [aws]
    availability: '0.9'
    outageCostPerHour: -1
    description: 3
    dependsOn: lambda
    domains: [d, unknown-domain, 4]
  - id: b
    dependsOn:
      - 12
      - { id: a, mode: sometimes }
      - { anyOf: [] }
      - { anyOf: [a, a] }
      - { id: a, anyOf: [a] }
      - { mode: soft }
  - id: ' padded '
  - id: ''
`);
    const fields = err.map((e) => `${e.location.line} ${e.field}`);
    assert.deepEqual(fields, [
      '3 domains[0].availability',
      '4 domains[1]',
      '5 domains[2]',
      '7 components[0].id',
      '9 components[1].region',
      '10 components[1].provider',
      '11 components[1].availability',
      '12 components[1].outageCostPerHour',
      '13 components[1].description',
      '14 components[1].dependsOn',
      '15 components[1].domains[1]',
      '15 components[1].domains[2]',
      '18 components[2].dependsOn[0]',
      '19 components[2].dependsOn[1].mode',
      '20 components[2].dependsOn[2].anyOf',
      '21 components[2].dependsOn[3].anyOf[1]',
      '22 components[2].dependsOn[4].id',
      '23 components[2].dependsOn[5]',
      '24 components[3].id',
      '25 components[4].id',
    ]);
    assert.match(err[0]!.message, /expected a number in \[0, 1\], got 2/);
    assert.match(err[6]!.message, /expected a number in \[0, 1\], got the string "0.9"/);
    assert.match(err[9]!.message, /expected a list, got the string "lambda"/);
  });

  it('reports YAML syntax errors with their line', () => {
    const err = issuesOf('components:\n  - id: a\n    dependsOn: [b\n  - id: b\n    x: : y\n');
    assert.ok(err.length >= 1);
    // Only syntax errors are reported until the YAML parses: the rest would be noise.
    for (const e of err) assert.match(e.message, /^YAML: /);
    assert.ok(err[0]!.location.line >= 3);
  });

  it('rejects an empty catalogue and a file without one', () => {
    assert.match(issuesOf('')[0]!.message, /holds no catalogue/);
    assert.match(issuesOf('domains: []\n')[0]!.message, /no components/);
    assert.match(issuesOf('- a\n- b\n')[0]!.message, /expected a catalogue/);
  });

  it('rejects a component whose id is a domain, an unknown domain and a component as domain', () => {
    const err = issuesOf(
      'domains: [{ id: cp }]\ncomponents:\n  - id: cp\n  - id: a\n    domains: [cpp, b, "region:"]\n  - id: b\n',
    );
    assert.deepEqual(
      err.map((e) => e.message.split(';')[0]),
      [
        "'cp' is already the id of a failure domain",
        "unknown failure domain 'cpp'",
        "'b' is a component, not a failure domain",
        "unknown failure domain 'region:' (declare it under domains, or use region:NAME / provider:NAME)",
      ],
    );
  });

  it('reports a dependency listed twice', () => {
    const err = issuesOf(
      'components:\n  - id: a\n    dependsOn: [b, { id: b, mode: soft }]\n  - id: b\n',
    );
    assert.match(err[0]!.message, /'a' depends on 'b' twice/);
  });

  it('reads Backstage entities with breakwater annotations and entity refs', () => {
    const c = one(`
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: app
  annotations:
    breakwater.dev/region: us-east-1
    breakwater.dev/provider: aws
    breakwater.dev/domains: control-plane:iam, az:use1-az1
    breakwater.dev/availability: "0.999"
    breakwater.dev/outage-cost-per-hour: "1000"
    breakwater.dev/soft-depends-on: component:default/metrics
    breakwater.dev/any-of: resource:default/db-a, resource:default/db-b; cache-a, cache-b
spec:
  dependsOn: [resource:default/db-a, resource:default/db-b, component:default/metrics, resource:db, cache-a, cache-b, tracing]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: db-a }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: db-b }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: db }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: metrics }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: cache-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: cache-b }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: tracing
  annotations: { breakwater.dev/mode: soft }
`);
    const app = c.components[0]!;
    assert.equal(app.availability, 0.999);
    assert.equal(app.outageCostPerHour, 1000);
    assert.deepEqual(app.domains, [
      'region:us-east-1',
      'provider:aws',
      'control-plane:iam',
      'az:use1-az1',
    ]);
    assert.deepEqual(app.dependsOn, [
      { kind: 'anyOf', ids: ['db-a', 'db-b'] },
      { kind: 'anyOf', ids: ['cache-a', 'cache-b'] },
      { kind: 'soft', id: 'metrics' },
      { kind: 'hard', id: 'db' },
      { kind: 'soft', id: 'tracing' },
    ]);
    assert.equal(c.aliases.get('resource:default/db-a'), 'db-a');
  });

  it('qualifies Backstage names that are not unique and rejects ambiguous refs', () => {
    const c = one(`
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: app }
spec: { dependsOn: [component:default/db, resource:default/db] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: db }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: db }
`);
    assert.deepEqual(
      c.components.map((x) => x.id),
      ['app', 'component:default/db', 'resource:default/db'],
    );
    const err = issuesOf(`
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: app }
spec: { dependsOn: [db] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: db }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: db }
`);
    assert.match(err[0]!.message, /'db' is ambiguous/);
  });

  it('checks breakwater annotations strictly and skips other kinds with a warning', () => {
    const warnings: string[] = [];
    const err = issues([
      {
        path: 'catalog-info.yaml',
        text: `apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: shop }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: app
  annotations:
    breakwater.dev/regoin: us-east-1
    breakwater.dev/availability: high
    breakwater.dev/mode: maybe
    breakwater.dev/soft-depends-on: component:default/ghost
    other.io/anything: fine
spec:
  dependsOn: [component:default/nowhere]
`,
      },
    ]);
    assert.deepEqual(
      err.map((e) => `${e.location.line} ${e.field}`),
      [
        '10 metadata.annotations.breakwater.dev/regoin',
        '11 metadata.annotations.breakwater.dev/availability',
        '12 metadata.annotations.breakwater.dev/mode',
        '13 metadata.annotations.breakwater.dev/soft-depends-on',
        '16 spec.dependsOn[0]',
      ],
    );
    assert.match(err[0]!.message, /did you mean 'breakwater.dev\/region'\?/);
    assert.match(err[3]!.message, /is not in spec.dependsOn/);
    assert.match(err[4]!.message, /unknown entity 'component:default\/nowhere'/);
    parseCatalogue(
      [
        {
          path: 'x.yaml',
          text: 'kind: Group\nmetadata: { name: g }\n---\ncomponents: [{ id: a }]\n',
        },
      ],
      { onWarning: (m) => warnings.push(m) },
    );
    assert.match(warnings[0]!, /x\.yaml:1: skipped Backstage kind Group/);
  });

  it('lets a breakwater document declare the domains of Backstage entities', () => {
    const c = one(`
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: app
  annotations: { breakwater.dev/domains: "cp:x" }
---
domains: [{ id: "cp:x", availability: 0.5 }]
`);
    assert.deepEqual(
      c.domains.map((d) => [d.id, d.availability]),
      [['cp:x', 0.5]],
    );
  });
});
