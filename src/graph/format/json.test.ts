import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCatalogue } from '../analyze.js';
import { parseCatalogue } from '../parse-catalogue.js';
import { formatJson, formatJsonComparison } from './json.js';

const analyse = (path: string) =>
  analyzeCatalogue(
    parseCatalogue([
      { path, text: 'components:\n  - { id: app, dependsOn: [db] }\n  - { id: db }\n' },
    ]),
  );

describe('formatJson', () => {
  it('prints one JSON document on one line', () => {
    const out = formatJson(analyse('a.yaml'));
    assert.equal(out.split('\n').length, 2);
    const doc = JSON.parse(out) as { target: string; spofs: string[] };
    assert.equal(doc.target, 'app');
    assert.deepEqual(doc.spofs, ['db']);
  });
});

describe('formatJsonComparison', () => {
  it('lists the architectures with their files', () => {
    const doc = JSON.parse(formatJsonComparison([analyse('a.yaml'), analyse('b.yaml')])) as {
      architectures: { files: string[]; target: string }[];
    };
    assert.deepEqual(
      doc.architectures.map((a) => [a.files, a.target]),
      [
        [['a.yaml'], 'app'],
        [['b.yaml'], 'app'],
      ],
    );
  });
});
