import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseStatusConfig } from './config.js';
import { StatusConfigError } from './errors.js';

function fails(text: string, re: RegExp, line?: number): void {
  assert.throws(
    () => parseStatusConfig(text, 'cfg.yaml'),
    (e: unknown) => {
      assert.ok(e instanceof StatusConfigError, String(e));
      assert.match(e.message, re);
      if (line !== undefined) assert.equal(e.line, line, e.message);
      return true;
    },
  );
}

describe('parseStatusConfig', () => {
  it('reads the example config with defaults in ms', () => {
    const c = parseStatusConfig(
      readFileSync('examples/status.yaml', 'utf8'),
      'examples/status.yaml',
    );
    assert.equal(c.monitors.length, 5);
    const web = c.monitors[0]!;
    assert.equal(web.type, 'http');
    assert.equal(web.intervalMs, 30_000);
    assert.equal(web.successesBeforeUp, 2);
    assert.deepEqual(web.vantagePoints, ['local', 'eu-west', 'ap-south']);
    assert.deepEqual(
      c.vantagePoints.map((v) => v.remote),
      [false, true, true],
    );
    const hb = c.monitors[4]!;
    assert.equal(hb.type, 'heartbeat');
    assert.deepEqual(hb.vantagePoints, ['heartbeat']);
    assert.equal(c.staleAfterMs, 120_000);
    assert.deepEqual(c.exports, [{ kind: 'dir', path: '/tmp/breakwater-status-site' }]);
    assert.equal(c.runsOn.region, 'us-east-1');
  });

  it('names file, line and field of an unknown key', () => {
    fails(
      'monitors:\n  - id: a\n    type: tcp\n    host: h\n    port: 1\n    intervl: 3\n',
      /cfg\.yaml:6: monitors\[0\]\.intervl: unknown key/,
      6,
    );
  });

  it('names the field of a bad value and the expected form', () => {
    fails(
      'monitors:\n  - id: a\n    type: http\n    url: ftp://x\n',
      /cfg\.yaml:4: monitors\[0\]\.url: expected an http:\/\/ or https:\/\/ URL/,
      4,
    );
    fails(
      'monitors:\n  - id: a\n    type: tcp\n    host: h\n    port: 70000\n',
      /monitors\[0\]\.port: expected an integer in \[1, 65535\]/,
      5,
    );
    fails(
      'monitors:\n  - id: a\n    type: ping\n',
      /monitors\[0\]\.type: expected one of http, tcp, dns, tls, heartbeat/,
      3,
    );
    fails(
      'monitors:\n  - id: a\n    type: tcp\n    host: h\n    port: 1\n    intervalSeconds: 5\n    timeoutSeconds: 10\n',
      /timeoutSeconds: must not exceed intervalSeconds/,
    );
  });

  it('reads a JSON-path match and rejects a bad path or a lone jsonEquals', () => {
    const c = parseStatusConfig(
      'monitors:\n  - id: a\n    type: http\n    url: http://x/health\n    jsonPath: $.status.indicator\n    jsonEquals: none\n',
      'cfg.yaml',
    );
    const m = c.monitors[0]!;
    assert.ok(m.type === 'http');
    assert.deepEqual(m.json, { path: '$.status.indicator', equals: 'none' });
    fails(
      'monitors:\n  - id: a\n    type: http\n    url: http://x/\n    jsonPath: $..deep\n',
      /cfg\.yaml:5: monitors\[0\]\.jsonPath: JSON path "\$\.\.deep": expected a member name/,
      5,
    );
    fails(
      'monitors:\n  - id: a\n    type: http\n    url: http://x/\n    jsonEquals: 1\n',
      /monitors\[0\]\.jsonEquals: jsonEquals needs jsonPath/,
    );
    fails(
      'monitors:\n  - id: a\n    type: http\n    url: http://x/\n    jsonPath: $.a\n    jsonEquals: [1]\n',
      /jsonEquals: expected a string, number, boolean or null/,
    );
  });

  it('refuses unknown vantage points, duplicate ids and unknown dependencies', () => {
    fails(
      'monitors:\n  - { id: a, type: tcp, host: h, port: 1, vantagePoints: [mars] }\n',
      /unknown vantage point 'mars'/,
    );
    fails(
      'monitors:\n  - { id: a, type: tcp, host: h, port: 1 }\n  - { id: a, type: tcp, host: h, port: 2 }\n',
      /monitors\[1\]\.id: 'a' is declared twice/,
      3,
    );
    fails(
      'runsOn: { dependsOn: [b] }\nmonitors:\n  - { id: a, type: tcp, host: h, port: 1 }\n',
      /runsOn\.dependsOn\[0\]: unknown monitor 'b'/,
    );
  });

  it('reports YAML syntax errors with a line and requires monitors', () => {
    fails('monitors:\n  - id: a\n   type: [\n', /cfg\.yaml:\d+: YAML syntax/);
    fails('title: x\n', /monitors: expected at least one monitor/);
    fails('- 1\n', /expected a mapping/);
  });
});
