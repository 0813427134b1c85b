import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pipeline, Pipeline } from './pipeline.js';
import type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
import { contextOf, signalOf } from './policy.js';

/** A policy that records when it is entered and left, and passes the context on. */
class Recorder implements Policy {
  constructor(
    readonly name: string,
    readonly log: string[],
  ) {}
  async execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    this.log.push(`enter ${this.name}`);
    try {
      return await fn(contextOf(signal));
    } finally {
      this.log.push(`leave ${this.name}`);
    }
  }
}

interface TaggedContext extends PolicyContext {
  readonly tag: string;
}

/** A policy with its own context type, as the retry's `attempt` is. */
class Tagger implements Policy<TaggedContext> {
  execute<T>(fn: PolicyFn<T, TaggedContext>, signal?: SignalSource): Promise<T> {
    const parent = contextOf(signal);
    return Promise.resolve(
      fn({
        tag: 'inner',
        get signal() {
          return parent.signal;
        },
      }),
    );
  }
}

describe('pipeline', () => {
  it('runs the first policy outermost and the call innermost', async () => {
    const log: string[] = [];
    const p = pipeline(new Recorder('a', log), new Recorder('b', log), new Recorder('c', log));
    const result = await p.execute(() => {
      log.push('call');
      return 42;
    });
    assert.equal(result, 42);
    assert.deepEqual(log, [
      'enter a',
      'enter b',
      'enter c',
      'call',
      'leave c',
      'leave b',
      'leave a',
    ]);
  });

  it("hands the innermost policy's context to the call", async () => {
    const p = pipeline(new Recorder('a', []), new Tagger());
    const tag = await p.execute((ctx) => ctx.tag);
    assert.equal(tag, 'inner');
  });

  it("carries the caller's signal through every layer", async () => {
    const ac = new AbortController();
    const p = pipeline(new Recorder('a', []), new Tagger(), new Recorder('b', []));
    const seen = await p.execute((ctx) => ctx.signal, ac.signal);
    assert.equal(seen, ac.signal);
    assert.equal(signalOf(undefined), undefined);
  });

  it('propagates a rejection through every layer', async () => {
    const log: string[] = [];
    const p = pipeline(new Recorder('a', log), new Recorder('b', log));
    await assert.rejects(
      p.execute(() => Promise.reject(new Error('down'))),
      /down/,
    );
    assert.deepEqual(log, ['enter a', 'enter b', 'leave b', 'leave a']);
  });

  it('refuses an empty list and things that are not policies', () => {
    assert.throws(() => new Pipeline([]), /at least one policy/);
    assert.throws(() => new Pipeline([{} as Policy]), /policies\[0\] has no execute/);
  });
});
