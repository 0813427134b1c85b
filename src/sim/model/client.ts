/**
 * @module
 * The calling side of a simulated service: a request goes over a {@link Network} to a
 * {@link Server}, and the answer comes back over the network — unless the client's timeout
 * fires first. A timed-out, failed or shed attempt may be retried, after a delay the model
 * chooses (immediately, with backoff and jitter, or not at all when a retry budget says no).
 *
 * What makes overload interesting is modelled on purpose:
 * - a timeout only stops the *client* waiting; the server goes on serving the abandoned
 *   attempt (and a retry adds another copy) unless `cancelOnTimeout` sends it a
 *   cancellation, or the queue drops work whose TTL (the propagated deadline) ran out;
 * - a response to an attempt the client gave up on is discarded (a *late response*: work
 *   done for nobody).
 *
 * Each request is booked in a {@link RequestLedger} and resolved exactly once: succeeded,
 * failed, timed out (its last attempt timed out), dropped (shed by the server or refused by
 * `admit`), or still in flight. Attempts are the server's jobs; both requests and attempts
 * are rows in typed arrays, and every hop is a registered handler, so a request allocates
 * nothing once the tables have grown.
 *
 * The policy hooks (`admit`, `retryDelayUs`) and observers (`onAttempt`, `onTimeout`,
 * `onResolve`, `onLateResponse`) are plain callbacks, called synchronously: this is where a
 * model plugs in the resilience library's synchronous decision APIs — a breaker's admit, a
 * retry budget, a backoff's next delay — and its metrics.
 */
import type { HandlerId, Simulation } from '../kernel/simulation.js';
import { grow } from '../internal/grow.js';
import type { Network } from './network.js';
import { RequestLedger, RequestStatus } from './request-ledger.js';
import type { ServerLike } from './server-like.js';

/** How an attempt ended, as seen by the client: the statuses a request can end with. */
export type AttemptOutcome =
  typeof RequestStatus.Failed | typeof RequestStatus.TimedOut | typeof RequestStatus.Dropped;

/** Options for {@link Client}. */
export interface ClientOptions {
  /**
   * Where attempts are served: a {@link Server}, or any {@link ServerLike} (such as a
   * `ProcessorSharingServer`). The client becomes the server's listener.
   */
  readonly server: ServerLike;
  /** The path from client to server (and back, unless `responseNetwork` is given). */
  readonly network: Network;
  /** The path from server to client. Default: `network`. */
  readonly responseNetwork?: Network;
  /** How long the client waits for each attempt, µs: > 0, or Infinity for no timeout. */
  readonly timeoutUs: number;
  /** Attempts per request, the first included: an integer ≥ 1. Default 1 (no retries). */
  readonly maxAttempts?: number;
  /**
   * Called when an attempt of `request` ended badly and attempts remain: returns how long to
   * wait before the next attempt, µs, or a negative number (or NaN) to give up. `attempts`
   * is the number made so far (1 after the first). Default: retry at once.
   */
  readonly retryDelayUs?: (
    sim: Simulation,
    request: number,
    attempts: number,
    outcome: AttemptOutcome,
  ) => number;
  /**
   * Client-side admission (a breaker, a rate limiter): called for each new request; when it
   * returns false the request is dropped without being sent. Default: admit all.
   */
  readonly admit?: (sim: Simulation, request: number) => boolean;
  /** Queue priority of an attempt (0 = most important), by attempt number. Default 0. */
  readonly priorityOf?: (attempt: number) => number;
  /**
   * Tell the server its remaining time, so a TTL-aware queue can drop work whose caller has
   * given up (deadline propagation, as gRPC does). Default true; the naive FIFO ignores it.
   */
  readonly propagateDeadline?: boolean;
  /** On timeout, send the server a cancellation for the abandoned attempt. Default false. */
  readonly cancelOnTimeout?: boolean;
  /** The ledger to book requests in (share one between clients). Default: a new one. */
  readonly ledger?: RequestLedger;
  /** An attempt is sent; `attempt` counts from 1 (> 1 is a retry). */
  readonly onAttempt?: (sim: Simulation, request: number, attempt: number) => void;
  /** An attempt timed out (whether or not the request will retry). */
  readonly onTimeout?: (sim: Simulation, request: number, attempt: number) => void;
  /** A request got its final status. */
  readonly onResolve?: (sim: Simulation, request: number, status: RequestStatus) => void;
  /** A response arrived for an attempt the client had already given up on. */
  readonly onLateResponse?: (sim: Simulation, request: number) => void;
}

/** What a response message says (the status it would resolve the request with). */
const OK = RequestStatus.Succeeded;

/** Calls with timeouts and retries against a {@link Server}; see the module comment. */
export class Client {
  /** Where every request of this client is booked. */
  readonly ledger: RequestLedger;

  readonly #sim: Simulation;
  readonly #server: ServerLike;
  readonly #network: Network;
  readonly #responseNetwork: Network;
  readonly #timeoutUs: number;
  readonly #maxAttempts: number;
  readonly #propagateDeadline: boolean;
  readonly #cancelOnTimeout: boolean;
  readonly #options: ClientOptions;

  readonly #arriveHandler: HandlerId;
  readonly #responseHandler: HandlerId;
  readonly #timeoutHandler: HandlerId;
  readonly #retryHandler: HandlerId;
  readonly #cancelHandler: HandlerId;

  // Per request (ledger id).
  #currentAttempt = new Int32Array(64);
  #attemptsMade = new Int32Array(64);
  // Per attempt (= server job id).
  #requestOf = new Int32Array(64);
  #attemptNumber = new Int32Array(64);
  #deadlineUs = new Float64Array(64);
  #attempts = 0;
  #retries = 0;
  #timeouts = 0;
  #lateResponses = 0;

  constructor(sim: Simulation, options: ClientOptions) {
    const { timeoutUs } = options;
    if (!(timeoutUs > 0)) {
      throw new RangeError(`Client timeoutUs must be > 0 (or Infinity), got ${timeoutUs}`);
    }
    const maxAttempts = options.maxAttempts ?? 1;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`Client maxAttempts must be an integer >= 1, got ${maxAttempts}`);
    }
    this.#sim = sim;
    this.#server = options.server;
    this.#network = options.network;
    this.#responseNetwork = options.responseNetwork ?? options.network;
    this.#timeoutUs = timeoutUs;
    this.#maxAttempts = maxAttempts;
    this.#propagateDeadline = options.propagateDeadline ?? true;
    this.#cancelOnTimeout = options.cancelOnTimeout ?? false;
    this.#options = options;
    this.ledger = options.ledger ?? new RequestLedger(sim);

    this.#arriveHandler = sim.register((_s, attempt) => this.#arrive(attempt));
    this.#responseHandler = sim.register((_s, attempt, status) => this.#response(attempt, status));
    this.#timeoutHandler = sim.register((_s, request, attempt) => this.#timeout(request, attempt));
    this.#retryHandler = sim.register((_s, request) => this.#send(request));
    this.#cancelHandler = sim.register((_s, attempt) => this.#server.cancel(attempt));
    const responses = this.#responseNetwork;
    const responseHandler = this.#responseHandler;
    this.#server.connect({
      completed: (_s, job, ok) => {
        responses.send(responseHandler, job, ok ? OK : RequestStatus.Failed);
      },
      dropped: (_s, job) => {
        // A shed request gets a fast error (a 503), so its caller may retry elsewhere.
        responses.send(responseHandler, job, RequestStatus.Dropped);
      },
    });
  }

  /** Attempts sent so far (first attempts and retries). */
  get attempts(): number {
    return this.#attempts;
  }
  /** Retries sent so far (attempts after the first of their request). */
  get retries(): number {
    return this.#retries;
  }
  /** Attempts that timed out. */
  get timeouts(): number {
    return this.#timeouts;
  }
  /** Responses that arrived after their attempt was given up: work done for nobody. */
  get lateResponses(): number {
    return this.#lateResponses;
  }

  /**
   * Starts a request now and returns its ledger id. `tag` is booked with it (a closed-loop
   * user index, say).
   */
  call(tag = 0): number {
    const sim = this.#sim;
    const request = this.ledger.open(tag);
    if (request >= this.#currentAttempt.length) {
      this.#currentAttempt = grow(this.#currentAttempt, request + 1);
      this.#attemptsMade = grow(this.#attemptsMade, request + 1);
    }
    this.#currentAttempt[request] = -1;
    this.#attemptsMade[request] = 0;
    const admit = this.#options.admit;
    if (admit !== undefined && !admit(sim, request)) {
      this.#resolve(request, RequestStatus.Dropped);
      return request;
    }
    this.#send(request);
    return request;
  }

  /** Sends the next attempt of `request`. */
  #send(request: number): void {
    const sim = this.#sim;
    if (!this.ledger.isInFlight(request)) return;
    const attempt = this.#attempts++;
    if (attempt >= this.#requestOf.length) {
      this.#requestOf = grow(this.#requestOf, attempt + 1);
      this.#attemptNumber = grow(this.#attemptNumber, attempt + 1);
      this.#deadlineUs = grow(this.#deadlineUs, attempt + 1);
    }
    const number = (this.#attemptsMade[request] as number) + 1;
    this.#attemptsMade[request] = number;
    if (number > 1) this.#retries++;
    this.#currentAttempt[request] = attempt;
    this.#requestOf[attempt] = request;
    this.#attemptNumber[attempt] = number;
    this.#deadlineUs[attempt] = sim.now + this.#timeoutUs;
    this.#options.onAttempt?.(sim, request, number);
    if (this.#timeoutUs !== Infinity) {
      sim.schedule(this.#timeoutUs, this.#timeoutHandler, request, attempt);
    }
    this.#network.send(this.#arriveHandler, attempt);
  }

  /** The attempt reached the server. */
  #arrive(attempt: number): void {
    const number = this.#attemptNumber[attempt] as number;
    const priority = this.#options.priorityOf?.(number) ?? 0;
    const ttlUs = this.#propagateDeadline
      ? (this.#deadlineUs[attempt] as number) - this.#sim.now
      : Infinity;
    this.#server.submit(attempt, priority, ttlUs);
  }

  /** A response to `attempt` reached the client; `status` is what it says. */
  #response(attempt: number, status: number): void {
    const request = this.#requestOf[attempt] as number;
    if (this.#currentAttempt[request] !== attempt || !this.ledger.isInFlight(request)) {
      this.#lateResponses++;
      this.#options.onLateResponse?.(this.#sim, request);
      return;
    }
    this.#currentAttempt[request] = -1;
    if (status === OK) this.#resolve(request, RequestStatus.Succeeded);
    else this.#retryOrResolve(request, status as AttemptOutcome);
  }

  #timeout(request: number, attempt: number): void {
    if (this.#currentAttempt[request] !== attempt || !this.ledger.isInFlight(request)) return;
    this.#currentAttempt[request] = -1;
    this.#timeouts++;
    this.#options.onTimeout?.(this.#sim, request, this.#attemptNumber[attempt] as number);
    if (this.#cancelOnTimeout) this.#network.send(this.#cancelHandler, attempt);
    this.#retryOrResolve(request, RequestStatus.TimedOut);
  }

  #retryOrResolve(request: number, outcome: AttemptOutcome): void {
    const made = this.#attemptsMade[request] as number;
    if (made < this.#maxAttempts) {
      const delayFn = this.#options.retryDelayUs;
      const delay = delayFn === undefined ? 0 : delayFn(this.#sim, request, made, outcome);
      if (delay >= 0) {
        this.#sim.schedule(delay, this.#retryHandler, request);
        return;
      }
    }
    this.#resolve(request, outcome);
  }

  #resolve(request: number, status: RequestStatus): void {
    if (this.ledger.resolve(request, status)) {
      this.#options.onResolve?.(this.#sim, request, status);
    }
  }
}
