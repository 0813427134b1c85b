import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../../core/rng.js';
import { escapeHtml, inlineSafe, jsonForScript } from './html-text.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`html-text.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });

  it('never leaves a raw < > " or \' in any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        assert.doesNotMatch(escapeHtml(s), /[<>"']/);
      }),
      { seed, numRuns: 500 },
    );
  });
});

describe('jsonForScript', () => {
  it('reads back unchanged and never contains < or a raw line separator', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, s) => {
        const doc = { value, s: `${s}</script><!--\u2028\u2029` };
        const text = jsonForScript(doc);
        assert.ok(!text.includes('<'));
        assert.ok(!text.includes('\u2028') && !text.includes('\u2029'));
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(doc)));
      }),
      { seed, numRuns: 300 },
    );
  });
});

describe('inlineSafe', () => {
  it('escapes the slash of a closing script or style tag, in any case', () => {
    assert.equal(
      inlineSafe('a="</script>";b="</SCRIPT"', 'script'),
      'a="<\\/script>";b="<\\/SCRIPT"',
    );
    assert.equal(inlineSafe('x{content:"</style>"}', 'style'), 'x{content:"<\\/style>"}');
    assert.equal(inlineSafe('if (a < b) {}', 'script'), 'if (a < b) {}');
  });
});
