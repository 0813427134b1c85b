import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from './events.js';

describe('EventEmitter', () => {
  it('delivers to listeners in order until disposed', () => {
    const e = new EventEmitter<number>();
    assert.equal(e.hasListeners, false);
    const got: string[] = [];
    const a = e.event((n) => got.push(`a${n}`));
    e.event((n) => got.push(`b${n}`));
    assert.equal(e.hasListeners, true);
    e.emit(1);
    a.dispose();
    a.dispose();
    e.emit(2);
    assert.deepEqual(got, ['a1', 'b1', 'b2']);
  });

  it('keeps calling the other listeners when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const e = new EventEmitter<void>((err) => errors.push(err));
    let called = false;
    e.event(() => {
      throw new Error('listener bug');
    });
    e.event(() => (called = true));
    e.emit();
    assert.equal(called, true);
    assert.match(String(errors[0]), /listener bug/);
  });

  it('once() resolves with the next event', async () => {
    const e = new EventEmitter<string>();
    const p = once(e.event);
    e.emit('x');
    e.emit('y');
    assert.equal(await p, 'x');
    assert.equal(e.hasListeners, false);
  });
});
