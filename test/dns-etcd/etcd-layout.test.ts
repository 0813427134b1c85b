/**
 * The etcd store's key layout and encodings, without an etcd: the padded generations whose
 * byte order is numeric order (what makes `VALUE < pad(G)` the fence), prefix ranges, the
 * target value, and the watch's push-to-pull iterator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { systemClock } from '../../src/core/clock.js';
import { isStoreCorruptError } from '../../src/dns/errors.js';
import {
  EtcdKeys,
  checkEtcdPrefix,
  decodeTargetValue,
  encodeTargetValue,
  padGeneration,
  prefixEnd,
} from '../../src/dns/plan-store/internal/etcd-keys.js';
import { decodePlan, encodePlan } from '../../src/dns/plan-store/internal/etcd-codec.js';
import { PushIterator } from '../../src/dns/plan-store/internal/etcd-watch.js';
import { contractDraft } from '../../src/dns/plan-store/contract.js';
import { planOf } from '../../src/dns/plan.js';

const envSeed = process.env['FC_SEED'];
const seed = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : systemClock.now() % 1e6;
console.log(`etcd layout property seed: ${seed} (set FC_SEED to replay)`);

const gen = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });

describe('padGeneration', () => {
  it(`orders bytes as numbers, so VALUE < pad(G) is "active < G" (seed ${seed})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), gen, (active, g) => {
        const stored = encodeTargetValue({
          activeGeneration: active === 0 ? undefined : active,
          activatedAtMs: 1,
          activatedBy: 'enactor-a',
        });
        const fence = Buffer.from(padGeneration(g));
        assert.equal(Buffer.compare(stored, fence) < 0, active < g, `${active} vs ${g}`);
      }),
      { seed, numRuns: 2000 },
    );
    assert.equal(padGeneration(Number.MAX_SAFE_INTEGER).length, 16);
    assert.equal(padGeneration(7), '0000000000000007');
  });

  it(`sorts plan keys by generation (seed ${seed})`, () => {
    const keys = new EtcdKeys('/p/');
    fc.assert(
      fc.property(gen, gen, (a, b) => {
        const c = Buffer.compare(keys.plan(a), keys.plan(b));
        assert.equal(Math.sign(c), Math.sign(a - b));
        assert.equal(keys.generationOf(keys.plan(a)), a);
      }),
      { seed, numRuns: 1000 },
    );
  });
});

describe('prefixEnd', () => {
  it('is the first key after every key with the prefix', () => {
    assert.equal(prefixEnd(Buffer.from('/a/')).toString(), '/a0');
    assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff])), Buffer.from([0x62]));
    assert.deepEqual(prefixEnd(Buffer.from([0xff, 0xff])), Buffer.from([0]));
  });
});

describe('checkEtcdPrefix', () => {
  it('wants a non-empty prefix ending in /, naming the option', () => {
    assert.equal(checkEtcdPrefix('x', '/a/'), '/a/');
    for (const bad of ['', '/a', 3]) {
      assert.throws(
        () => checkEtcdPrefix('x', bad),
        /x: prefix must be a non-empty string ending in '\/'/,
      );
    }
  });
});

describe('the target value', () => {
  it('round-trips, and reads 0…0 as "no active generation"', () => {
    const fresh = encodeTargetValue({
      activeGeneration: undefined,
      activatedAtMs: undefined,
      activatedBy: undefined,
    });
    assert.equal(fresh.toString(), '0000000000000000\n{}');
    assert.deepEqual(decodeTargetValue('s', 't', fresh), {
      id: 't',
      activeGeneration: undefined,
      activatedAtMs: undefined,
      activatedBy: undefined,
    });
    const v = encodeTargetValue({ activeGeneration: 12, activatedAtMs: 5, activatedBy: 'e' });
    assert.deepEqual(decodeTargetValue('s', 't', v), {
      id: 't',
      activeGeneration: 12,
      activatedAtMs: 5,
      activatedBy: 'e',
    });
  });

  it('reports a damaged value as StoreCorruptError naming the store and the target', () => {
    for (const bad of ['12\n{}', 'x', '0000000000000001\n{not json']) {
      assert.throws(
        () => decodeTargetValue('etcd e /p/', 'zone-a', Buffer.from(bad)),
        (e: unknown) => isStoreCorruptError(e) && /etcd e \/p\/: target 'zone-a'/.test(e.message),
      );
    }
  });
});

describe('the plan value', () => {
  it('round-trips and refuses a value whose content does not hash to its hash', () => {
    const plan = planOf(contractDraft(3), 3);
    assert.deepEqual(decodePlan('s', 3, encodePlan(plan)), plan);
    assert.throws(
      () => decodePlan('s', 4, encodePlan(plan)),
      /plan generation 4 is damaged: it says generation 3/,
    );
    const tampered = Buffer.from(encodePlan(plan).toString().replace('192.0.2.3', '192.0.2.4'));
    assert.throws(
      () => decodePlan('s', 3, tampered),
      (e: unknown) => isStoreCorruptError(e),
    );
  });
});

describe('PushIterator', () => {
  it('buffers pushes, hands them out in order, then ends on return()', async () => {
    let closed = 0;
    const it = new PushIterator<number>(() => {
      closed++;
      return Promise.resolve();
    });
    it.push(1);
    it.push(2);
    const waiting = (async () => {
      const got: number[] = [];
      for await (const x of it) {
        got.push(x);
        if (got.length === 3) break;
      }
      return got;
    })();
    await Promise.resolve();
    it.push(3);
    assert.deepEqual(await waiting, [1, 2, 3]);
    assert.equal(closed, 1);
    assert.equal(it.closed, true);
    it.push(4);
    assert.deepEqual(await it.next(), { value: undefined, done: true });
    await it.return();
    assert.equal(closed, 1, 'the close hook runs once');
  });

  it('rejects a pending pull with the feed’s error, and closes', async () => {
    let closed = false;
    const it = new PushIterator<number>(() => {
      closed = true;
      return Promise.resolve();
    });
    const pending = it.next();
    it.fail(new Error('watch broke'));
    await assert.rejects(pending, /watch broke/);
    await assert.rejects(it.next(), /watch broke/);
    assert.equal(closed, true);
  });
});

describe('lazy loading', () => {
  it('importing breakwater/dns, the etcd store module and the config loader does not load etcd3', async () => {
    await import('../../src/dns/index.js');
    await import('../../src/dns/plan-store/etcd-store.js');
    await import('../../src/dns/config.js');
    const { createRequire } = await import('node:module');
    const cache = createRequire(import.meta.url).cache;
    const loaded = Object.keys(cache).filter((k) => /[/\\](etcd3|@grpc)[/\\]/.test(k));
    assert.deepEqual(loaded, []);
  });
});
