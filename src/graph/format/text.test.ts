import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCatalogue } from '../analyze.js';
import { parseCatalogue } from '../parse-catalogue.js';
import { formatText, formatTextComparison } from './text.js';

const analyse = (text: string, path = 'c.yaml', fail: string[] = []) =>
  analyzeCatalogue(parseCatalogue([{ path, text }]), { fail });

const CHAIN = `
components:
  - { id: app, outageCostPerHour: 100, dependsOn: [lambda] }
  - { id: lambda, availability: 0.999, dependsOn: [dynamodb, { id: logs, mode: soft }] }
  - { id: dynamodb, region: us-east-1, dependsOn: [dns] }
  - { id: dns, dependsOn: [dynamodb] }
  - { id: logs }
`;

describe('formatText', () => {
  it('lists findings by severity, then the dependency tree', () => {
    const out = formatText(analyse(CHAIN));
    const critical = out.indexOf('CRITICAL');
    const info = out.indexOf('INFO');
    const tree = out.indexOf('DEPENDENCIES OF app');
    assert.ok(critical > 0 && critical < info && info < tree, out);
    assert.match(out, /cold-start deadlock: 4 components never come up/);
    assert.match(out, /hard-dependency cycle: dns → dynamodb → dns/);
    assert.match(out, /single point of failure of app: region:us-east-1 \(domain\)/);
    assert.match(
      out,
      /availability of app: 99\.90% — 8\.8 h down a year, expected cost 877 a year at 100\/h/,
    );
    assert.match(out, /└─ lambda {2}SPOF, no cold start/);
    assert.match(out, /└─ dns {2}SPOF, cycle, no cold start\n/);
    assert.match(out, /\(soft\) logs/);
    assert.match(out, /dynamodb {2}\(see above\)/);
  });

  it('says so when there is no single point of failure, and prints a what-if', () => {
    const out = analyse(
      'components:\n  - { id: app, dependsOn: [{ anyOf: [a, b] }] }\n  - { id: a }\n  - { id: b }\n',
      'c.yaml',
      ['a'],
    );
    const text = formatText(out);
    assert.match(text, /No single point of failure/);
    assert.match(
      text,
      /WHAT IF a FAILS: app is DEGRADED\n {2}failed \(1\): a\n {2}degraded \(1\): app\n {2}up \(1\): b/,
    );
  });

  it('cuts long lists', () => {
    const many = Array.from({ length: 40 }, (_, i) => `  - { id: c${i} }`).join('\n');
    const deps = Array.from({ length: 40 }, (_, i) => `c${i}`).join(', ');
    const text = formatText(
      analyse(`components:\n  - { id: app, dependsOn: [${deps}] }\n${many}\n`),
      {
        maxFindingsPerSeverity: 5,
        maxTreeLines: 10,
      },
    );
    assert.match(text, /… and 35 more/);
    assert.match(text, /… 31 more lines not shown/);
  });
});

describe('formatTextComparison', () => {
  it('puts architectures side by side with the difference in downtime and cost', () => {
    const a = analyse(CHAIN, 'single.yaml');
    const b = analyse(
      'components:\n  - { id: app, outageCostPerHour: 100, dependsOn: [{ anyOf: [x, y] }] }\n  - { id: x, availability: 0.999 }\n  - { id: y, availability: 0.999 }\n',
      'multi.yaml',
    );
    const out = formatTextComparison([a, b]);
    assert.match(out, /single\.yaml +multi\.yaml/);
    assert.match(out, /single points of failure +4 +0/);
    assert.match(
      out,
      /multi\.yaml vs single\.yaml: 8\.8 h less downtime a year, expected cost lower by 876 a year/,
    );
  });
});
