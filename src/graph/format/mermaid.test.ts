import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCatalogue } from '../analyze.js';
import { parseCatalogue } from '../parse-catalogue.js';
import { formatDot } from './dot.js';
import { formatMermaid } from './mermaid.js';

const a = analyzeCatalogue(
  parseCatalogue([
    {
      path: 'c.yaml',
      text: `
domains: [{ id: "cp:iam" }]
components:
  - { id: app, dependsOn: [{ anyOf: [w, e] }, { id: logs, mode: soft }] }
  - { id: w, region: us-west-2, provider: aws, dependsOn: [iam] }
  - { id: e, region: us-east-1, provider: aws, dependsOn: [iam] }
  - { id: iam, region: us-east-1, provider: aws, domains: ["cp:iam"], dependsOn: [store] }
  - { id: store, dependsOn: [iam] }
  - { id: logs }
`,
    },
  ]),
);

describe('formatMermaid', () => {
  it('draws a flowchart with provider/region subgraphs, junctions and marks', () => {
    const out = formatMermaid(a);
    assert.match(out, /^%% breakwater graph — target app\nflowchart TD\n/);
    assert.match(out, /subgraph s\d+\["⚠ provider:aws \(SPOF\)"\]/);
    assert.match(out, /subgraph s\d+\["region:us-west-2"\]/);
    assert.match(out, /n\d+\{\{"any of 2"\}\}/);
    assert.match(out, /n\d+\(\["⚠ cp:iam"\]\)/);
    assert.match(out, /-\. soft \.->/);
    assert.match(out, /class [n\d,]+ spof/);
    assert.match(out, /linkStyle \d+ stroke:#e67e22/);
    assert.match(out, /linkStyle \d+ stroke:#8e44ad/);
  });
});

describe('formatDot', () => {
  it('draws a digraph with clusters, junctions and marks', () => {
    const out = formatDot(a);
    assert.match(out, /^\/\/ breakwater graph — target app\ndigraph breakwater \{/);
    assert.match(out, /subgraph cluster_\d+ \{\n\s+label="provider:aws \(SPOF\)"/);
    assert.match(out, /shape=diamond/);
    assert.match(out, /label="cp:iam\\nSPOF", shape=hexagon/);
    assert.match(out, /style=dashed, label="soft"/);
    assert.match(out, /color="#e67e22", penwidth=2\.5/);
    assert.ok(out.trimEnd().endsWith('}'));
  });
});
