import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.js';
import { Simulation } from '../kernel/simulation.js';
import { ClosedLoop } from './closed-loop.js';
import { constant, exponential } from './distribution.js';

describe('ClosedLoop', () => {
  it('keeps at most one request per user outstanding and thinks between them', () => {
    const sim = new Simulation({ seed: 1 });
    const issuedAt: number[][] = [[], [], []];
    const serviceUs = 50;
    const finish = sim.register((_s, user) => loop.done(user));
    const loop: ClosedLoop = new ClosedLoop(sim, {
      users: 3,
      thinkTime: constant(100),
      rng: sim.rng('users'),
      requestsPerUser: 4,
      onIssue: (s, user) => {
        issuedAt[user]!.push(s.now);
        assert.ok(loop.outstanding <= 3);
        s.schedule(serviceUs, finish, user);
      },
    }).start();
    sim.run();
    // Each user: think 100, serve 50, think 100, ...
    for (const times of issuedAt) assert.deepEqual(times, [100, 250, 400, 550]);
    assert.equal(loop.issued, 12);
    assert.equal(loop.outstanding, 0);
  });

  it('offers less load when the system slows down (the closed-loop property)', () => {
    const issuedWith = (serviceUs: number): number => {
      const sim = new Simulation({ seed: 2 });
      const finish = sim.register((_s, user) => loop.done(user));
      const loop: ClosedLoop = new ClosedLoop(sim, {
        users: 10,
        thinkTime: exponential(1_000),
        rng: sim.rng('users'),
        untilUs: 1_000_000,
        onIssue: (s, user) => s.schedule(serviceUs, finish, user),
      }).start();
      sim.run();
      return loop.issued;
    };
    assert.ok(issuedWith(10_000) < issuedWith(100) / 4);
  });

  it('rejects bad options and a done() without an outstanding request', () => {
    const sim = new Simulation();
    const base = { thinkTime: constant(1), rng: new Rng(1), onIssue: (): void => {} };
    assert.throws(() => new ClosedLoop(sim, { ...base, users: 0 }), /users .* got 0/);
    assert.throws(
      () => new ClosedLoop(sim, { ...base, users: 1, requestsPerUser: 1.5 }),
      /requestsPerUser/,
    );
    assert.throws(() => new ClosedLoop(sim, { ...base, users: 1, untilUs: -1 }), /untilUs/);
    assert.throws(
      () => new ClosedLoop(sim, { ...base, users: 1, onIssue: null as never }),
      TypeError,
    );
    const loop = new ClosedLoop(sim, { ...base, users: 2 });
    assert.throws(() => loop.done(0), /user 0 has no outstanding request/);
    assert.throws(() => loop.done(5), RangeError);
    loop.start();
    assert.throws(() => loop.start(), /twice/);
  });
});
