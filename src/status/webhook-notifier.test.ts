import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../core/rng.js';
import { ManualClock } from '../core/testing/manual-clock.js';
import type { MonitorChangeEvent } from './status-monitor.js';
import { WebhookNotifier } from './webhook-notifier.js';

const down: MonitorChangeEvent = {
  monitor: 'web',
  name: 'Web',
  up: false,
  atMs: 0,
  downVantages: 2,
  vantages: 3,
  detail: 'eu: refused',
};
const up: MonitorChangeEvent = { ...down, up: true, detail: '' };

function fakeFetch(statuses: number[]) {
  const calls: { url: string; body: unknown }[] = [];
  const f = (url: string, init: { body: string }): Promise<Response> => {
    calls.push({ url, body: JSON.parse(init.body) });
    return Promise.resolve(new Response('', { status: statuses.shift() ?? 200 }));
  };
  return { calls, fetch: f as unknown as typeof fetch };
}

describe('WebhookNotifier', () => {
  it('sends generic JSON and Slack bodies, once per change, with recovery notices', async () => {
    const clock = new ManualClock();
    const { calls, fetch } = fakeFetch([]);
    const n = new WebhookNotifier({
      webhooks: [
        { url: 'http://hook.test/json', format: 'json' },
        { url: 'http://hook.test/slack', format: 'slack' },
      ],
      clock,
      rng: new Rng(1),
      title: 'Shop',
      fetch,
    });
    assert.deepEqual(await n.notify(up), [], 'a monitor that was never down announces nothing');
    const r = await n.notify(down);
    assert.deepEqual(
      r.map((x) => x.ok),
      [true, true],
    );
    assert.deepEqual(await n.notify(down), [], 'de-duplicated');
    await n.notify(up);
    assert.equal(calls.length, 4);
    const json = calls[0]!.body as {
      type: string;
      monitor: { id: string };
      vantagePoints: { down: number };
    };
    assert.equal(json.type, 'monitor.down');
    assert.equal(json.vantagePoints.down, 2);
    assert.match((calls[1]!.body as { text: string }).text, /\*Web\* is down: eu: refused/);
    assert.equal((calls[2]!.body as { type: string }).type, 'monitor.recovered');
    assert.match((calls[3]!.body as { text: string }).text, /recovered/);
  });

  it('retries a failing webhook with backoff on the clock', async () => {
    const clock = new ManualClock();
    const { calls, fetch } = fakeFetch([503, 500]);
    const n = new WebhookNotifier({
      webhooks: [{ url: 'http://hook.test/', format: 'json' }],
      clock,
      rng: new Rng(2),
      fetch,
    });
    const p = n.notify(down);
    await clock.advanceAsync(60_000);
    assert.deepEqual(await p, [{ url: 'http://hook.test/', ok: true }]);
    assert.equal(calls.length, 3);
  });

  it('gives up after maxAttempts and reports the failure without throwing', async () => {
    const clock = new ManualClock();
    const { calls, fetch } = fakeFetch([500, 500, 500, 500, 500]);
    const n = new WebhookNotifier({
      webhooks: [{ url: 'http://hook.test/', format: 'json' }],
      clock,
      rng: new Rng(3),
      fetch,
      maxAttempts: 2,
    });
    const p = n.notify(down);
    await clock.advanceAsync(60_000);
    const [r] = await p;
    assert.equal(r!.ok, false);
    assert.match(r!.error ?? '', /500/);
    assert.equal(calls.length, 2);
  });

  it('validates options', () => {
    assert.throws(
      () =>
        new WebhookNotifier({
          webhooks: [],
          clock: new ManualClock(),
          rng: new Rng(1),
          maxAttempts: 0,
        }),
      /maxAttempts/,
    );
  });
});
