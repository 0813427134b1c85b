import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIPv4, canonicalIPv6 } from './ip-address.js';
import { checkDnsName } from './dns-name.js';

describe('canonicalIPv6', () => {
  it('writes the RFC 5952 form', () => {
    const cases: [string, string][] = [
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['::', '::'],
      ['::1', '::1'],
      ['1::', '1::'],
      ['::ffff:c000:0201', '::ffff:192.0.2.1'],
      ['::FFFF:192.0.2.1', '::ffff:192.0.2.1'],
      ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
      ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ];
    for (const [input, want] of cases) assert.equal(canonicalIPv6(input), want, input);
  });

  it('refuses zones and non-addresses', () => {
    assert.equal(canonicalIPv6('fe80::1%eth0'), undefined);
    assert.equal(canonicalIPv6('192.0.2.1'), undefined);
    assert.equal(canonicalIPv6('1:::2'), undefined);
  });
});

describe('canonicalIPv4', () => {
  it('accepts only strict dotted quads', () => {
    assert.equal(canonicalIPv4('192.0.2.1'), '192.0.2.1');
    assert.equal(canonicalIPv4('010.0.0.1'), undefined);
    assert.equal(canonicalIPv4('1.2.3'), undefined);
  });
});

describe('checkDnsName', () => {
  it('lower-cases and drops the trailing dot', () => {
    assert.deepEqual(checkDnsName('WWW.Example.COM.', false), {
      ok: true,
      name: 'www.example.com',
    });
    assert.equal(checkDnsName('*.example.com', false).ok, false);
    assert.equal(checkDnsName('*.example.com', true).ok, true);
  });
});
