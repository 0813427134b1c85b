import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { parseTsigKey, signMessage, TsigResponseVerifier } from './tsig.js';

const key = { name: 'k1', secret: Buffer.from('secret-secret-secret') };
const NOW = 1_760_000_000;

function query(id: number): Buffer {
  return dnsPacket.encode({ id, type: 'query', questions: [{ name: 'a.test', type: 'A' }] });
}

function reply(id: number): Buffer {
  return dnsPacket.encode({
    id,
    type: 'response',
    questions: [{ name: 'a.test', type: 'A' }],
    answers: [{ name: 'a.test', type: 'A', ttl: 60, data: '192.0.2.1' }],
  });
}

describe('signMessage', () => {
  it('appends one TSIG record and bumps ARCOUNT', () => {
    const q = query(42);
    const { message, mac } = signMessage(q, key, NOW);
    assert.equal(message.readUInt16BE(10), 1);
    assert.equal(mac.length, 32);
    const decoded = dnsPacket.decode(message);
    assert.equal(decoded.additionals?.[0]?.type, 'TSIG');
    assert.equal(decoded.id, 42);
  });

  it('gives another MAC for another time or key', () => {
    const q = query(1);
    const a = signMessage(q, key, NOW).mac;
    assert.notDeepEqual(signMessage(q, key, NOW + 1).mac, a);
    assert.notDeepEqual(signMessage(q, { ...key, secret: Buffer.from('other') }, NOW).mac, a);
  });
});

describe('TsigResponseVerifier', () => {
  it('accepts a response signed over the request MAC', () => {
    const req = signMessage(query(7), key, NOW);
    const resp = signMessage(reply(7), key, NOW + 2, req.mac).message;
    const v = new TsigResponseVerifier(key, req.mac, NOW);
    assert.equal(v.verify(resp), undefined);
    assert.equal(v.settled, true);
  });

  it('rejects an unsigned first response, a tampered one, another key, and a stale one', () => {
    const req = signMessage(query(7), key, NOW);
    assert.match(new TsigResponseVerifier(key, req.mac, NOW).verify(reply(7)) ?? '', /not signed/);
    const resp = signMessage(reply(7), key, NOW, req.mac).message;
    const tampered = Buffer.from(resp);
    tampered[tampered.indexOf(Buffer.from([192, 0, 2, 1]))] = 10;
    assert.match(new TsigResponseVerifier(key, req.mac, NOW).verify(tampered) ?? '', /bad MAC/);
    const other = signMessage(reply(7), { name: 'k2', secret: key.secret }, NOW, req.mac).message;
    assert.match(new TsigResponseVerifier(key, req.mac, NOW).verify(other) ?? '', /another key/);
    const wrongReq = signMessage(reply(7), key, NOW, Buffer.alloc(32)).message;
    assert.match(new TsigResponseVerifier(key, req.mac, NOW).verify(wrongReq) ?? '', /bad MAC/);
    const late = new TsigResponseVerifier(key, req.mac, NOW + 301);
    assert.match(late.verify(resp) ?? '', /time window/);
  });
});

describe('parseTsigKey', () => {
  it('reads NAME:SECRET with an optional algorithm', () => {
    assert.equal(parseTsigKey('k:c2VjcmV0', 'x').name, 'k');
    assert.equal(parseTsigKey('hmac-sha256:k:c2VjcmV0', 'x').secret.toString(), 'secret');
  });
  it('names the bad value', () => {
    assert.throws(() => parseTsigKey('nocolon', '--key'), /--key: .*'nocolon'/);
    assert.throws(() => parseTsigKey('k:', '--key'), TypeError);
  });
});
