import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCatalogue } from '../analyze.js';
import { parseCatalogue } from '../parse-catalogue.js';
import { formatHtml } from './html.js';

describe('formatHtml', () => {
  it('is a self-contained page: inline style and script, no external references', () => {
    const a = analyzeCatalogue(
      parseCatalogue([
        {
          path: '<evil>.yaml',
          text: 'components:\n  - { id: "app</script>", dependsOn: [db] }\n  - { id: db, region: r }\n',
        },
      ]),
    );
    const html = formatHtml(a);
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    // The id is escaped both in markup and inside the embedded JSON.
    assert.equal(html.split('</script>').length - 1, 2);
    assert.match(html, /&#60;evil&#62;\.yaml/);
    assert.match(html, /app\\u003c\/script>/);
    const json = /<script type="application\/json" id="graph-data">(.*?)<\/script>/s.exec(
      html,
    )![1]!;
    const data = JSON.parse(json) as { nodes: { id: string; marks: string[] }[] };
    assert.deepEqual(
      data.nodes.map((n) => [n.id, n.marks]),
      [
        ['app</script>', ['target']],
        ['db', ['spof']],
        ['region:r', ['spof']],
      ],
    );
  });
});
