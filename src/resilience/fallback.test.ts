import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Fallback, fallbackTo } from './fallback.js';
import type { FallbackEvent, FallbackOptions } from './fallback.js';
import { DegradedError, isDegradedError } from './errors.js';

const boom = new Error('dependency down');

describe('Fallback', () => {
  it('returns the call result on success without using the fallback', async () => {
    const f = new Fallback({ value: 'fallback' });
    let events = 0;
    f.onFallback(() => events++);
    assert.equal(await f.execute(() => 'real'), 'real');
    assert.equal(await f.execute(() => Promise.resolve('real')), 'real');
    assert.equal(events, 0);
    assert.equal(f.used, 0);
  });

  it('returns the fallback value when the call throws or rejects', async () => {
    const f = new Fallback<string[]>({ value: [] });
    const events: FallbackEvent[] = [];
    f.onFallback((e) => events.push(e));
    assert.deepEqual(
      await f.execute<string[]>(() => {
        throw boom;
      }),
      [],
    );
    assert.deepEqual(await f.execute(() => Promise.reject(boom)), []);
    assert.deepEqual(events, [{ error: boom }, { error: boom }]);
    assert.equal(f.used, 2);
    assert.deepEqual(f.toJSON(), { used: 2 });
  });

  it('calls the fallback function with the error, and awaits it', async () => {
    const f = new Fallback({
      fallback: (e: unknown) => Promise.resolve(`after ${(e as Error).message}`),
    });
    assert.equal(await f.execute(() => Promise.reject(boom)), 'after dependency down');
  });

  it('rejects with the fallback function’s own error when it fails', async () => {
    const second = new Error('secondary down too');
    const f = new Fallback({
      fallback: () => {
        throw second;
      },
    });
    await assert.rejects(
      f.execute(() => Promise.reject(boom)),
      (e) => e === second,
    );
  });

  it('rethrows errors that shouldHandle refuses', async () => {
    const f = new Fallback({ value: 0, shouldHandle: isDegradedError });
    await assert.rejects(
      f.execute(() => Promise.reject(boom)),
      (e) => e === boom,
    );
    assert.equal(await f.execute(() => Promise.reject(new DegradedError('read-only', 'write'))), 0);
    assert.equal(f.handles(boom), false);
  });

  it('rethrows when the caller aborted, unless fallbackOnAbort', async () => {
    const ac = new AbortController();
    ac.abort(new Error('caller gave up'));
    const fn = (ctx: { signal: AbortSignal | undefined }): Promise<never> =>
      Promise.reject(ctx.signal!.reason);
    await assert.rejects(new Fallback({ value: 1 }).execute(fn, ac.signal), /caller gave up/);
    assert.equal(await new Fallback({ value: 1, fallbackOnAbort: true }).execute(fn, ac.signal), 1);
  });

  it('falls back to a value that is itself a function or undefined', async () => {
    const noop = (): void => {};
    assert.equal(await new Fallback({ value: noop }).execute(() => Promise.reject(boom)), noop);
    assert.equal(
      await new Fallback({ value: undefined }).execute(() => Promise.reject(boom)),
      undefined,
    );
  });

  it('offers a synchronous API', () => {
    const f = new Fallback({ fallback: (e: unknown) => String(e) });
    assert.equal(f.handles(boom), true);
    assert.equal(f.fallbackFor('x'), 'x');
    assert.equal(f.used, 1);
  });

  it('fallbackTo is shorthand for a fixed value', async () => {
    assert.equal(await fallbackTo('d').execute(() => Promise.reject(boom)), 'd');
  });

  it('throws TypeError naming the bad option', () => {
    const bad: [unknown, RegExp][] = [
      [{}, /exactly one of options.value and options.fallback, got neither/],
      [{ value: 1, fallback: () => 2 }, /got both/],
      [{ fallback: 3 }, /options.fallback must be a function, got number/],
      [{ value: 1, shouldHandle: 'x' }, /options.shouldHandle must be a function, got x/],
      [{ value: 1, fallbackOnAbort: 'yes' }, /options.fallbackOnAbort must be a boolean, got yes/],
      [null, /options must be an object/],
    ];
    for (const [opts, msg] of bad) {
      assert.throws(
        () => new Fallback(opts as FallbackOptions<unknown>),
        (e) => e instanceof TypeError && msg.test(e.message),
        msg.source,
      );
    }
  });
});
