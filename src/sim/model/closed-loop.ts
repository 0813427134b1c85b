/**
 * @module
 * A closed-loop population: a fixed number of users, each with at most one request
 * outstanding; a user thinks, issues a request, waits for it to finish, and thinks again. Load
 * falls as the system slows down — the opposite of an open-loop source — which is why closed
 * benchmarks hide overload collapse (Schroeder, Wierman & Harchol-Balter, NSDI 2006).
 *
 * The model calls `done(user)` when the user's request finished (however it ended); the
 * population then schedules that user's next request after a think time.
 */
import type { Rng } from '../../core/rng.js';
import type { HandlerId, Simulation } from '../kernel/simulation.js';
import type { Distribution } from './distribution.js';

/** Options for {@link ClosedLoop}. */
export interface ClosedLoopOptions {
  /** Number of users, an integer ≥ 1. */
  readonly users: number;
  /** Pause between a request finishing and the user's next one. Also delays the first. */
  readonly thinkTime: Distribution;
  /** The population's own random stream. */
  readonly rng: Rng;
  /** Called when `user` issues a request; the model must later call `done(user)`. */
  readonly onIssue: (sim: Simulation, user: number) => void;
  /** Requests each user issues before stopping. Default Infinity. */
  readonly requestsPerUser?: number;
  /** No request is issued at or after this time, µs. Default Infinity. */
  readonly untilUs?: number;
}

/** A closed-loop user population; see the module comment. */
export class ClosedLoop {
  readonly #sim: Simulation;
  readonly #users: number;
  readonly #thinkTime: Distribution;
  readonly #rng: Rng;
  readonly #onIssue: (sim: Simulation, user: number) => void;
  readonly #requestsPerUser: number;
  readonly #untilUs: number;
  readonly #handler: HandlerId;
  /** Requests issued per user. */
  readonly #issuedBy: Float64Array;
  /** 1 while the user's request is outstanding. */
  readonly #busy: Uint8Array;
  #issued = 0;
  #outstanding = 0;
  #started = false;

  constructor(sim: Simulation, options: ClosedLoopOptions) {
    const { users } = options;
    if (!Number.isInteger(users) || users < 1) {
      throw new RangeError(`ClosedLoop users must be an integer >= 1, got ${users}`);
    }
    const requestsPerUser = options.requestsPerUser ?? Infinity;
    if (
      !(requestsPerUser >= 0) ||
      !(Number.isInteger(requestsPerUser) || requestsPerUser === Infinity)
    ) {
      throw new RangeError(
        `ClosedLoop requestsPerUser must be an integer >= 0 or Infinity, got ${requestsPerUser}`,
      );
    }
    const untilUs = options.untilUs ?? Infinity;
    if (!(untilUs >= 0)) throw new RangeError(`ClosedLoop untilUs must be >= 0, got ${untilUs}`);
    if (typeof options.onIssue !== 'function') {
      throw new TypeError('ClosedLoop onIssue must be a function');
    }
    this.#sim = sim;
    this.#users = users;
    this.#thinkTime = options.thinkTime;
    this.#rng = options.rng;
    this.#onIssue = options.onIssue;
    this.#requestsPerUser = requestsPerUser;
    this.#untilUs = untilUs;
    this.#issuedBy = new Float64Array(users);
    this.#busy = new Uint8Array(users);
    this.#handler = sim.register((s, user) => this.#issue(s, user));
  }

  /** Requests issued so far, all users together. */
  get issued(): number {
    return this.#issued;
  }

  /** Requests issued and not yet `done`. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** Schedules every user's first request after one think time. Call once. */
  start(): this {
    if (this.#started) throw new Error('ClosedLoop.start called twice');
    this.#started = true;
    for (let user = 0; user < this.#users; user++) this.#thinkThenIssue(user);
    return this;
  }

  /** Tells the population that `user`'s outstanding request finished. */
  done(user: number): void {
    if (!(user >= 0 && user < this.#users && this.#busy[user] === 1)) {
      throw new RangeError(`ClosedLoop.done: user ${user} has no outstanding request`);
    }
    this.#busy[user] = 0;
    this.#outstanding--;
    this.#thinkThenIssue(user);
  }

  #thinkThenIssue(user: number): void {
    if ((this.#issuedBy[user] as number) >= this.#requestsPerUser) return;
    const delay = this.#thinkTime.sample(this.#rng);
    if (this.#sim.now + delay >= this.#untilUs) return;
    this.#sim.schedule(delay, this.#handler, user);
  }

  #issue(sim: Simulation, user: number): void {
    this.#busy[user] = 1;
    this.#issuedBy[user] = (this.#issuedBy[user] as number) + 1;
    this.#issued++;
    this.#outstanding++;
    this.#onIssue(sim, user);
  }
}
