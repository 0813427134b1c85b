import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/testing/manual-clock.js';
import { StaleCache, StaleIfErrorPolicy, staleIfError } from './stale-cache.js';
import type { StaleCacheOptions, StaleServedEvent } from './stale-cache.js';

const boom = new Error('dependency down');
const fail = (): never => {
  throw boom;
};

function make(options: Partial<StaleCacheOptions> = {}): {
  clock: ManualClock;
  cache: StaleCache<string>;
} {
  const clock = new ManualClock();
  const cache = new StaleCache<string>({ clock, maxStaleMs: 1000, ...options });
  return { clock, cache };
}

/** A promise and the functions that settle it. */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('StaleCache', () => {
  it('returns a fresh value from the call and stores it', async () => {
    const { clock, cache } = make();
    const r = await cache.get('k', () => 'v1');
    assert.deepEqual(r, { value: 'v1', stale: false, ageMs: 0, fromCache: false });
    clock.advance(40);
    assert.deepEqual(cache.peek('k'), { value: 'v1', ageMs: 40 });
  });

  it('serves the stored value, flagged stale with its age and the error, when the call fails within maxStaleMs', async () => {
    const { clock, cache } = make();
    const events: StaleServedEvent<string>[] = [];
    cache.onStaleServed((e) => events.push(e));
    await cache.get('k', () => 'v1');
    clock.advance(1000);
    const r = await cache.get('k', fail);
    assert.deepEqual(r, { value: 'v1', stale: true, ageMs: 1000, error: boom });
    assert.deepEqual(events, [{ key: 'k', ageMs: 1000, error: boom }]);
    assert.equal(cache.toJSON().staleServed, 1);
  });

  it('rethrows the error when the value is older than maxStaleMs, and drops it', async () => {
    const { clock, cache } = make();
    await cache.get('k', () => 'v1');
    clock.advance(1001);
    await assert.rejects(cache.get('k', fail), (e) => e === boom);
    assert.equal(cache.has('k'), false);
    assert.equal(cache.toJSON().errorsPassedOn, 1);
  });

  it('rethrows the error when there is no entry', async () => {
    const { cache } = make();
    await assert.rejects(
      cache.get('k', () => Promise.reject(boom)),
      (e) => e === boom,
    );
  });

  it('rethrows errors that serveStaleOn refuses', async () => {
    const notFound = new Error('404');
    const { cache } = make({ serveStaleOn: (e) => e !== notFound });
    await cache.get('k', () => 'v1');
    await assert.rejects(
      cache.get('k', () => {
        throw notFound;
      }),
      (e) => e === notFound,
    );
    assert.equal((await cache.get('k', fail)).stale, true);
  });

  it('rethrows when the caller itself aborted, instead of serving stale data', async () => {
    const { cache } = make();
    await cache.get('k', () => 'v1');
    const ac = new AbortController();
    ac.abort(new Error('caller gave up'));
    await assert.rejects(
      cache.get('k', (ctx) => Promise.reject(ctx.signal!.reason), ac.signal),
      /caller gave up/,
    );
  });

  it('a new success replaces the value and resets its age', async () => {
    const { clock, cache } = make();
    await cache.get('k', () => 'v1');
    clock.advance(900);
    await cache.get('k', () => 'v2');
    clock.advance(900);
    assert.deepEqual(await cache.get('k', fail), {
      value: 'v2',
      stale: true,
      ageMs: 900,
      error: boom,
    });
  });

  it('serves from the cache without calling while younger than freshMs', async () => {
    const { clock, cache } = make({ freshMs: 100 });
    let calls = 0;
    const fn = (): string => `v${++calls}`;
    await cache.get('k', fn);
    clock.advance(99);
    assert.deepEqual(await cache.get('k', fn), {
      value: 'v1',
      stale: false,
      ageMs: 99,
      fromCache: true,
    });
    assert.equal(calls, 1);
    clock.advance(1);
    assert.deepEqual(await cache.get('k', fn), {
      value: 'v2',
      stale: false,
      ageMs: 0,
      fromCache: false,
    });
    assert.equal(calls, 2);
    assert.equal(cache.toJSON().freshHits, 1);
  });

  it('coalesces concurrent gets of one key into one call', async () => {
    const { cache } = make();
    const d = deferred<string>();
    let calls = 0;
    const fn = (): Promise<string> => {
      calls++;
      return d.promise;
    };
    const a = cache.get('k', fn);
    const b = cache.get('k', fn);
    const other = cache.get('other', () => 'x');
    assert.equal(cache.toJSON().inFlight, 2);
    d.resolve('v');
    assert.deepEqual(await a, { value: 'v', stale: false, ageMs: 0, fromCache: false });
    assert.deepEqual(await b, { value: 'v', stale: false, ageMs: 0, fromCache: false });
    assert.equal((await other).value, 'x');
    assert.equal(calls, 1);
    assert.equal(cache.toJSON().calls, 2);
    assert.equal(cache.toJSON().inFlight, 0);
    await cache.get('k', fn);
    assert.equal(calls, 2, 'a settled call is not reused');
  });

  it('serves stale data to every caller of a shared call that failed', async () => {
    const { cache } = make();
    cache.put('k', 'old');
    const d = deferred<string>();
    const a = cache.get('k', () => d.promise);
    const b = cache.get('k', () => d.promise);
    d.reject(boom);
    assert.equal((await a).stale, true);
    assert.equal((await b).stale, true);
  });

  it('lets a caller that joined a shared call stop waiting on its own signal', async () => {
    const { cache } = make();
    const d = deferred<string>();
    const a = cache.get('k', () => d.promise);
    const ac = new AbortController();
    const b = cache.get('k', () => d.promise, ac.signal);
    ac.abort(new Error('b gave up'));
    await assert.rejects(b, /b gave up/);
    d.resolve('v');
    assert.equal((await a).value, 'v');
  });

  it('does not coalesce when coalesce is false', async () => {
    const { cache } = make({ coalesce: false });
    let calls = 0;
    const fn = (): Promise<string> => Promise.resolve(`v${++calls}`);
    const [a, b] = await Promise.all([cache.get('k', fn), cache.get('k', fn)]);
    assert.equal(calls, 2);
    assert.equal(a.value, 'v1');
    assert.equal(b.value, 'v2');
  });

  it('passes the caller signal on to the call', async () => {
    const { cache } = make();
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    await cache.get(
      'k',
      (ctx) => {
        seen = ctx.signal;
        return 'v';
      },
      ac.signal,
    );
    assert.equal(seen, ac.signal);
  });

  it('keeps at most maxEntries keys, evicting the least recently used', async () => {
    const { clock, cache } = make({ maxEntries: 2, freshMs: 10 });
    cache.put('a', '1');
    cache.put('b', '2');
    // A fresh hit counts as a use, so b becomes the least recently used.
    assert.equal((await cache.get('a', fail)).value, '1');
    cache.put('c', '3');
    assert.equal(cache.size, 2);
    assert.equal(cache.has('b'), false);
    assert.equal(cache.has('a'), true);
    clock.advance(20);
    // A stale serve counts as a use too.
    assert.equal(cache.lookupOnError('c')?.value, '3');
    cache.put('d', '4');
    assert.deepEqual([cache.has('a'), cache.has('c'), cache.has('d')], [false, true, true]);
    assert.equal(cache.toJSON().evictions, 2);
  });

  it('peek does not count as a use', () => {
    const { cache } = make({ maxEntries: 2 });
    cache.put('a', '1');
    cache.put('b', '2');
    assert.equal(cache.peek('a')?.value, '1');
    cache.put('c', '3');
    assert.equal(cache.has('a'), false);
  });

  it('offers a complete synchronous API', () => {
    const { clock, cache } = make({ freshMs: 50 });
    let served = 0;
    cache.onStaleServed(() => served++);
    assert.equal(cache.lookupFresh('k'), undefined);
    assert.equal(cache.lookupOnError('k'), undefined);
    cache.put('k', 'v');
    clock.advance(49);
    assert.deepEqual(cache.lookupFresh('k'), { value: 'v', ageMs: 49 });
    clock.advance(1);
    assert.equal(cache.lookupFresh('k'), undefined);
    assert.deepEqual(cache.lookupOnError('k', boom), { value: 'v', ageMs: 50 });
    assert.equal(served, 1);
    clock.advance(951);
    assert.equal(cache.lookupOnError('k'), undefined);
    assert.equal(cache.size, 0);
    cache.put('x', 'y');
    assert.equal(cache.delete('x'), true);
    cache.put('x', 'y');
    cache.clear();
    assert.equal(cache.size, 0);
  });

  it('can cache undefined, which lookupOnError tells apart from a miss', () => {
    const clock = new ManualClock();
    const cache = new StaleCache<string | undefined>({ clock, maxStaleMs: 10 });
    cache.put('k', undefined);
    assert.deepEqual(cache.lookupOnError('k'), { value: undefined, ageMs: 0 });
  });

  it('throws RangeError or TypeError naming the bad option', () => {
    const clock = new ManualClock();
    const bad: [Partial<StaleCacheOptions>, RegExp][] = [
      [{ maxStaleMs: -1 }, /maxStaleMs.*-1/],
      [{ maxStaleMs: NaN }, /maxStaleMs.*NaN/],
      [{ maxStaleMs: 10, freshMs: -5 }, /freshMs.*-5/],
      [{ maxStaleMs: 10, freshMs: 20 }, /freshMs must be ≤ maxStaleMs \(10\), got 20/],
      [{ maxStaleMs: 10, maxEntries: 0 }, /maxEntries.*0/],
      [{ maxStaleMs: 10, maxEntries: 1.5 }, /maxEntries.*1\.5/],
    ];
    for (const [opts, msg] of bad) {
      assert.throws(
        () => new StaleCache({ clock, ...opts } as StaleCacheOptions),
        (e) => e instanceof RangeError && msg.test(e.message),
        msg.source,
      );
    }
    assert.throws(
      () => new StaleCache({ clock } as unknown as StaleCacheOptions),
      /TypeError: StaleCache: maxStaleMs must be a number of ms, got undefined/,
    );
    assert.throws(
      () => new StaleCache({ maxStaleMs: 1 } as unknown as StaleCacheOptions),
      /TypeError: StaleCache: clock/,
    );
    assert.throws(
      () =>
        new StaleCache({ clock, maxStaleMs: 1, serveStaleOn: 3 } as unknown as StaleCacheOptions),
      /TypeError: StaleCache: serveStaleOn/,
    );
    assert.doesNotThrow(() => new StaleCache({ clock, maxStaleMs: Infinity }));
  });
});

describe('staleIfError', () => {
  it('is a Policy over one key that returns the value, fresh or stale', async () => {
    const clock = new ManualClock();
    const cache = new StaleCache<unknown>({ clock, maxStaleMs: 100 });
    const policy = staleIfError(cache, 'config');
    assert.ok(policy instanceof StaleIfErrorPolicy);
    assert.equal(await policy.execute(() => 42), 42);
    clock.advance(100);
    assert.equal(await policy.execute<number>(fail), 42);
    clock.advance(1);
    await assert.rejects(policy.execute(fail), (e) => e === boom);
  });
});
