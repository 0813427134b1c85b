import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.js';
import { Simulation } from '../kernel/simulation.js';
import { constant, exponential } from './distribution.js';
import { Network } from './network.js';

describe('Network', () => {
  it('delivers each message after a drawn delay, with its payload', () => {
    const sim = new Simulation();
    const got: string[] = [];
    const h = sim.register((s, a, b) => got.push(`${s.now}:${a}:${b}`));
    const net = new Network(sim, { delay: constant(10_000), rng: sim.rng('net') });
    net.send(h, 1, 2);
    sim.run(5_000);
    net.send(h, 3);
    sim.run();
    assert.deepEqual(got, ['10000:1:2', '15000:3:0']);
    assert.equal(net.sent, 2);
    assert.equal(net.lost, 0);
    assert.equal(net.delayUs(), 10_000);
  });

  it('loses messages with the given probability and lets faster ones overtake', () => {
    const sim = new Simulation({ seed: 4 });
    let delivered = 0;
    const h = sim.register(() => delivered++);
    const net = new Network(sim, {
      delay: exponential(1_000),
      rng: sim.rng('net'),
      lossProbability: 0.25,
    });
    let lostIds = 0;
    for (let i = 0; i < 20_000; i++) if (net.send(h) === -1) lostIds++;
    sim.run();
    assert.equal(net.lost, lostIds);
    assert.equal(delivered + net.lost, 20_000);
    assert.ok(Math.abs(net.lost / 20_000 - 0.25) < 0.015, `loss ${net.lost / 20_000}`);
  });

  it('rejects a bad loss probability or delay', () => {
    const sim = new Simulation();
    const rng = new Rng(1);
    assert.throws(
      () => new Network(sim, { delay: constant(1), rng, lossProbability: 1.5 }),
      /lossProbability .* got 1.5/,
    );
    assert.throws(() => new Network(sim, { delay: 5 as never, rng }), TypeError);
  });
});
