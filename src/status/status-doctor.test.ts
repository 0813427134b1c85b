import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseStatusConfig } from './config.js';
import { formatDoctorReport, statusDoctor } from './status-doctor.js';

const base = (runsOn: string, extra = ''): string => `
runsOn: ${runsOn}
monitors:
  - { id: api, type: tcp, host: a, port: 1, runsOn: { host: app-1, region: us-east-1, provider: aws, dns: route53 } }
  - { id: db, type: tcp, host: b, port: 2, runsOn: { region: us-east-1, provider: aws } }
${extra}`;

describe('statusDoctor', () => {
  it('refuses the example: the page shares region, provider and DNS with the shop', () => {
    const r = statusDoctor(
      parseStatusConfig(readFileSync('examples/status.yaml', 'utf8'), 'examples/status.yaml'),
    );
    assert.equal(r.independent, false);
    const causes = r.findings.map((f) => f.cause);
    for (const c of ['region:us-east-1', 'provider:aws', 'dns:route53'])
      assert.ok(causes.includes(c), c);
    assert.ok(r.findings.find((f) => f.cause === 'region:us-east-1')!.monitors.includes('web'));
    assert.match(formatDoctorReport(r), /region:us-east-1 is shared/);
  });

  it('calls a page on another provider, region, host and DNS independent', () => {
    const r = statusDoctor(
      parseStatusConfig(base('{ host: status-1, region: fsn1, provider: hetzner, dns: bunny }')),
    );
    assert.deepEqual(r.findings, []);
    assert.equal(r.independent, true);
    assert.match(formatDoctorReport(r), /^independent/);
  });

  it('finds a shared host and a hard dependency on a monitored service', () => {
    const r = statusDoctor(
      parseStatusConfig(
        base('{ host: app-1, region: fsn1, provider: hetzner, dns: bunny, dependsOn: [db] }'),
      ),
    );
    assert.equal(r.independent, false);
    const by = new Map(r.findings.map((f) => [f.cause, f]));
    assert.deepEqual(by.get('db')?.monitors, ['db']);
    assert.equal(by.get('db')?.kind, 'component');
    assert.deepEqual(by.get('host:app-1')?.monitors, ['api']);
    // Through db, the page also inherits db's region and provider.
    assert.deepEqual(by.get('region:us-east-1')?.monitors, ['api', 'db']);
    assert.ok(by.has('provider:aws'));
    assert.match(formatDoctorReport(r), /the status page depends on db/);
  });

  it('does not call a page with undeclared dependencies independent', () => {
    const r = statusDoctor(parseStatusConfig(base('{}')));
    assert.equal(r.independent, false);
    assert.match(
      r.warnings.join('\n'),
      /status page's own host, region, provider and DNS are not declared/,
    );
  });
});
