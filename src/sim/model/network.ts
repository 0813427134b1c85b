/**
 * @module
 * A network path between two simulated components: every message is delivered after a delay
 * drawn from a {@link Distribution}, or lost with some probability. Delivery is a kernel event
 * that calls a registered handler with the message's two numbers, so sending allocates
 * nothing. Messages may overtake each other, as on a real network with varying delay.
 */
import type { Rng } from '../../core/rng.js';
import type { EventId, HandlerId, Simulation } from '../kernel/simulation.js';
import type { Distribution } from './distribution.js';

/** Options for {@link Network}. */
export interface NetworkOptions {
  /** One-way delay of a message, µs. */
  readonly delay: Distribution;
  /** The path's own random stream. */
  readonly rng: Rng;
  /** Probability that a message is silently lost, in [0, 1]. Default 0. */
  readonly lossProbability?: number;
}

/** A one-way message path with delay and loss; see the module comment. */
export class Network {
  readonly #sim: Simulation;
  readonly #delay: Distribution;
  readonly #rng: Rng;
  readonly #loss: number;
  #sent = 0;
  #lost = 0;

  constructor(sim: Simulation, options: NetworkOptions) {
    const loss = options.lossProbability ?? 0;
    if (!(loss >= 0 && loss <= 1)) {
      throw new RangeError(`Network lossProbability must be in [0, 1], got ${loss}`);
    }
    if (typeof options.delay?.sample !== 'function') {
      throw new TypeError('Network delay must be a Distribution');
    }
    this.#sim = sim;
    this.#delay = options.delay;
    this.#rng = options.rng;
    this.#loss = loss;
  }

  /** Messages sent so far, lost ones included. */
  get sent(): number {
    return this.#sent;
  }

  /** Messages lost so far. */
  get lost(): number {
    return this.#lost;
  }

  /** One draw of the delay, µs, without sending anything. */
  delayUs(): number {
    return this.#delay.sample(this.#rng);
  }

  /**
   * Sends a message: `handler(sim, a, b)` runs after one delay. Returns the delivery event's
   * id, or -1 when the message was lost.
   */
  send(handler: HandlerId, a = 0, b = 0): EventId {
    this.#sent++;
    // Draw the loss only when loss is possible, so a lossless path's delay stream does not
    // depend on whether the option was given as 0 or left out.
    if (this.#loss > 0 && this.#rng.float() < this.#loss) {
      this.#lost++;
      return -1;
    }
    return this.#sim.schedule(this.#delay.sample(this.#rng), handler, a, b);
  }
}
