import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPlanContent, createPlanDraft, planOf } from '../plan.js';
import { GENERATION_SENTINEL_LABEL, parseSentinel, Rfc2136Target } from './rfc2136-target.js';
import type { Rfc2136TargetOptions } from './rfc2136-target.js';

const ok: Rfc2136TargetOptions = {
  id: 'bind',
  zone: 'Example.TEST.',
  server: { host: '127.0.0.1', port: 53 },
  key: { name: 'k', secret: Buffer.from('s') },
};

describe('Rfc2136Target', () => {
  it('normalises the zone and names the sentinel under it', () => {
    const t = new Rfc2136Target(ok);
    assert.equal(t.zone, 'example.test');
    assert.equal(t.sentinelName, `${GENERATION_SENTINEL_LABEL}.example.test`);
    assert.equal(t.id, 'bind');
  });

  it('rejects bad options, naming the option and the value', () => {
    const bad: [Partial<Record<keyof Rfc2136TargetOptions, unknown>>, RegExp][] = [
      [{ id: '' }, /id must be a non-empty string/],
      [{ zone: 'bad..zone' }, /zone/],
      [{ server: { host: '127.0.0.1', port: 0 } }, /server must be/],
      [{ key: { name: 'k', secret: Buffer.alloc(0) } }, /key must be/],
      [{ timeoutMs: 0 }, /timeoutMs must be an integer ≥ 1, got 0/],
      [{ maxAttempts: 1.5 }, /maxAttempts must be an integer ≥ 1, got 1.5/],
    ];
    for (const [patch, re] of bad) {
      assert.throws(() => new Rfc2136Target({ ...ok, ...patch } as Rfc2136TargetOptions), re);
    }
    assert.throws(() => new Rfc2136Target(null as unknown as Rfc2136TargetOptions), TypeError);
  });

  it('refuses a plan with nothing in its zone (it would empty the zone)', async () => {
    const t = new Rfc2136Target(ok);
    const plan = planOf(
      createPlanDraft({
        content: createPlanContent([{ name: 'www.other.test', type: 'A', records: ['192.0.2.1'] }]),
        plannerId: 't',
        createdAtMs: 0,
      }),
      3,
    );
    await assert.rejects(() => t.apply(plan, { actor: 't', atMs: 0 }), /no record set in zone/);
  });

  it('reports an unreachable server as ProviderUnreachableError', async () => {
    const t = new Rfc2136Target({ ...ok, server: { host: '127.0.0.1', port: 1 }, timeoutMs: 500 });
    await assert.rejects(() => t.activeGeneration(), { code: 'BW_DNS_PROVIDER_UNREACHABLE' });
  });
});

describe('parseSentinel', () => {
  it('reads the generation and the optional content hash', () => {
    assert.deepEqual(parseSentinel('g=12'), { generation: 12 });
    const h = 'a'.repeat(64);
    assert.deepEqual(parseSentinel(`g=3 h=${h}`), { generation: 3, contentHash: h });
  });
  it('refuses anything else', () => {
    for (const s of ['', 'g=', 'g=-1', 'g=1 h=xyz', 'generation=1', 'g=1 ', 'g=1234567890123456']) {
      assert.equal(parseSentinel(s), undefined, s);
    }
  });
});
