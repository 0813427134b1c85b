/**
 * @module
 * One retry budget for a whole fleet: a single token bucket per dependency in the
 * {@link SharedState}, which every instance's successes fill and every instance's retries
 * drain. Two hundred instances with 10 % budgets each still let two hundred budgets' worth of
 * retries at a recovering dependency; one fleet bucket lets exactly one budget's worth.
 *
 * It implements {@link RetryBudget}, so {@link Retry} takes it unchanged, and like
 * {@link LocalRetryBudget} its methods are synchronous. That is done with local batching:
 * - deposits accumulate in the process and travel to the store together, once they add up to
 *   `depositBatch` tokens (one store call per hundred successes at the defaults), or with the
 *   next refill request, whichever comes first;
 * - the process takes whole tokens from the fleet bucket ahead of need (`prefetch`, default
 *   1) and spends them locally; when it runs short it asks for more, in the same store call.
 * So the success path costs no store call at all most of the time, and a retry costs at most
 * one. (Local grants of fleet quota, as in Google's Doorman and Envoy's global rate-limit
 * "quota" mode.)
 *
 * What is guaranteed, per mode:
 * - **Shared** (the link is shared): retries admitted from fleet tokens, summed over every
 *   instance, never exceed what the fleet bucket minted: `initialTokens + minRetriesPerSecond ×
 *   elapsed seconds + ratio × deposits that reached the store`, and the bucket itself never
 *   holds more than `maxTokens`. Fleet tokens held by instances add at most `prefetch + 1` per
 *   instance to what is available at any instant (they were minted, just not spent yet).
 *   Deposits still in a process, and deposits whose store call failed, are lost: the budget
 *   errs toward fewer retries. A synchronous `tryWithdraw` with no fleet token in hand and a
 *   refill in flight says no (it cannot wait); with a synchronous store (in-memory) it is exact.
 * - **Local** (the store failed or timed out; see {@link SharedLink}): first the fleet tokens
 *   already in hand are spent, then a {@link LocalRetryBudget} sized as this instance's share of
 *   the fleet — `minRetriesPerSecond / expectedInstances`, `maxTokens / expectedInstances` — with
 *   the same ratio decides, so a fleet entirely on its fallback admits about the fleet budget.
 *   It is created once and refills by time while unused, so an outage starts with at most the
 *   share of `maxTokens` in each instance.
 * - **Transitions**: no retry ever waits for the store. When a refill fails, that very
 *   withdrawal is decided locally. Back to shared on the link's next successful store call,
 *   with no restart; the local budget keeps its balance for the next outage.
 */
import { EventEmitter } from '../../core/events.js';
import type { Event } from '../../core/events.js';
import { LocalRetryBudget } from '../retry-budget.js';
import type {
  RetryBudget,
  RetryBudgetDepositOn,
  RetryBudgetExhaustedEvent,
  RetryBudgetSnapshot,
} from '../retry-budget.js';
import type { BucketReply, BucketSpec } from './shared-state.js';
import type { SharedLink } from './shared-link.js';
import {
  checkAtLeast,
  checkInteger,
  checkKey,
  checkLink,
  checkPositive,
  isThenable,
} from './internal/options.js';
import { TOKEN_EPSILON } from './internal/bucket-record.js';

/** Options for {@link SharedRetryBudget}. Token figures are for the whole fleet. */
export interface SharedRetryBudgetOptions {
  /** The guarded link to the fleet's store. */
  readonly link: SharedLink;
  /** The dependency this budget is for; instances sharing a budget use the same key. */
  readonly key: string;
  /** Tokens a depositing first try adds, fleet-wide (finite, ≥ 0). Default 0.1. */
  readonly ratio?: number;
  /** Fleet-wide tokens per second of store time (finite, ≥ 0). Default 10 (Finagle's). */
  readonly minRetriesPerSecond?: number;
  /** The fleet bucket's capacity (finite, ≥ 0). Default `max(10, 10 × minRetriesPerSecond)`. */
  readonly maxTokens?: number;
  /** Tokens in a fleet bucket that does not exist yet. Default `min(maxTokens, minRetriesPerSecond)`. */
  readonly initialTokens?: number;
  /** Which first tries deposit: `'success'` (default) or every `'first-try'`. */
  readonly depositOn?: RetryBudgetDepositOn;
  /** Whole fleet tokens this instance takes ahead of need (integer ≥ 0). Default 1. */
  readonly prefetch?: number;
  /**
   * Earned tokens sent to the store together (> 0). Default 10: one store call per 100
   * successes at the default ratio — a busy fleet must not turn every tenth call into a Redis
   * write. Pending deposits also travel with any refill request, so they reach the bucket as
   * soon as retries are needed.
   */
  readonly depositBatch?: number;
}

const ANSWERED = 0;
const PENDING = 1;
const UNAVAILABLE = 2;
type SyncResult = typeof ANSWERED | typeof PENDING | typeof UNAVAILABLE;

/** A {@link RetryBudget} shared by a fleet through a {@link SharedLink}. See the module comment. */
export class SharedRetryBudget implements RetryBudget {
  readonly #link: SharedLink;
  readonly #key: string;
  readonly #spec: BucketSpec;
  readonly #ratio: number;
  readonly #floorPerSecond: number;
  readonly #depositOnFailure: boolean;
  readonly #prefetch: number;
  readonly #depositBatch: number;
  readonly #local: LocalRetryBudget;
  /** Fleet tokens granted to this instance and not spent yet. */
  #cached = 0;
  /** Deposits earned and not sent yet. */
  #pending = 0;
  #inflight = false;
  /** The store call in flight, for `flush()`. */
  #flushing: Promise<void> | undefined = undefined;
  #fleetTokens: number;
  #exhausted = false;
  readonly #exhaustedEmitter = new EventEmitter<RetryBudgetExhaustedEvent>();

  /** Fires when a withdrawal is refused after the previous one succeeded (or at the first). */
  readonly onExhausted: Event<RetryBudgetExhaustedEvent> = this.#exhaustedEmitter.event;

  /** Validates `options` (RangeError/TypeError naming the bad one). */
  constructor(options: SharedRetryBudgetOptions) {
    const where = 'SharedRetryBudget';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
    }
    this.#link = checkLink<SharedLink>(where, options.link);
    this.#key = checkKey(where, options.key);
    this.#ratio = checkAtLeast(where, 'ratio', options.ratio ?? 0.1, 0);
    const floor = checkAtLeast(where, 'minRetriesPerSecond', options.minRetriesPerSecond ?? 10, 0);
    this.#floorPerSecond = floor;
    const maxTokens = checkAtLeast(
      where,
      'maxTokens',
      options.maxTokens ?? Math.max(10, 10 * floor),
      0,
    );
    const initial = checkAtLeast(
      where,
      'initialTokens',
      options.initialTokens ?? Math.min(maxTokens, floor),
      0,
    );
    if (initial > maxTokens) {
      throw new RangeError(
        `${where}: initialTokens must be <= maxTokens (${maxTokens}), got ${initial}`,
      );
    }
    const depositOn = options.depositOn ?? 'success';
    if (depositOn !== 'success' && depositOn !== 'first-try') {
      throw new RangeError(
        `${where}: depositOn must be 'success' or 'first-try', got ${String(depositOn)}`,
      );
    }
    this.#depositOnFailure = depositOn === 'first-try';
    this.#prefetch = checkInteger(where, 'prefetch', options.prefetch ?? 1, 0);
    this.#depositBatch = checkPositive(where, 'depositBatch', options.depositBatch ?? 10);
    this.#spec = { capacity: maxTokens, refillPerSecond: floor, initialTokens: initial };
    this.#fleetTokens = initial;
    const n = this.#link.expectedInstances;
    this.#local = new LocalRetryBudget({
      clock: this.#link.clock,
      ratio: this.#ratio,
      minRetriesPerSecond: floor / n,
      maxTokens: maxTokens / n,
      initialTokens: Math.min(maxTokens, floor) / n,
      depositOn,
    });
  }

  /** Whether decisions currently use the fleet bucket (`'shared'`) or the local share. */
  get mode(): 'shared' | 'local' {
    return this.#link.mode;
  }

  /** The local fallback budget (this instance's share), for diagnostics. */
  get localBudget(): LocalRetryBudget {
    return this.#local;
  }

  /**
   * Earns `ratio` tokens for a successful first try (or any, per `depositOn`): added to the
   * pending deposit, sent to the fleet once it reaches `depositBatch`. No store call, no clock
   * read otherwise.
   */
  recordFirstTry(succeeded: boolean): void {
    if (!succeeded && !this.#depositOnFailure) return;
    if (this.#link.mode === 'local') {
      this.#local.recordFirstTry(succeeded);
      return;
    }
    this.#pending += this.#ratio;
    if (this.#pending >= this.#depositBatch && !this.#inflight) this.#sync(0);
  }

  /**
   * Takes one token for a retry: one this instance already holds, else one from the fleet
   * bucket (a store call; with a synchronous store the answer counts at once), else — when the
   * store cannot be used — one from the local share. False when none is to be had now.
   */
  tryWithdraw(): boolean {
    if (this.#cached >= 1 - TOKEN_EPSILON) {
      this.#cached -= 1;
      if (this.#cached < this.#prefetch && this.#link.mode === 'shared') this.#sync(0);
      return this.#granted();
    }
    if (this.#link.mode === 'local') return this.#decide(this.#local.tryWithdraw());
    const r = this.#sync(1);
    if (r === UNAVAILABLE) return this.#decide(this.#local.tryWithdraw());
    if (this.#cached >= 1 - TOKEN_EPSILON) {
      this.#cached -= 1;
      return this.#granted();
    }
    return this.#decide(false);
  }

  /**
   * Tokens available to this instance now: those it holds, plus the fleet bucket's balance as
   * last seen (shared) or the local share's balance (local).
   */
  balance(): number {
    return this.#cached + (this.#link.mode === 'local' ? this.#local.balance() : this.#fleetTokens);
  }

  /** The balance and the fleet configuration. */
  toJSON(): RetryBudgetSnapshot {
    return {
      tokens: this.balance(),
      maxTokens: this.#spec.capacity,
      ratio: this.#ratio,
      minRetriesPerSecond: this.#floorPerSecond,
    };
  }

  /**
   * Sends pending deposits now and tops the tokens in hand up to `prefetch` (e.g. before a
   * planned shutdown, or from a timer in a quiet process). Resolves when the store answered or
   * could not be used.
   */
  flush(): Promise<void> {
    if (this.#link.mode === 'local') return Promise.resolve();
    const r = this.#sync(0, true);
    return r === PENDING && this.#flushing !== undefined ? this.#flushing : Promise.resolve();
  }

  #granted(): true {
    this.#exhausted = false;
    return true;
  }

  #decide(ok: boolean): boolean {
    if (ok) return this.#granted();
    if (!this.#exhausted) {
      this.#exhausted = true;
      if (this.#exhaustedEmitter.hasListeners) {
        this.#exhaustedEmitter.emit({ balance: this.balance() });
      }
    }
    return false;
  }

  /** One store call: send the pending deposit, ask for enough whole tokens. */
  #sync(need: number, force = false): SyncResult {
    if (this.#inflight) return PENDING;
    const want = Math.max(0, need + this.#prefetch - Math.floor(this.#cached + TOKEN_EPSILON));
    const deposit = this.#pending;
    if (want === 0 && deposit < this.#depositBatch && !force) return ANSWERED;
    this.#pending = 0;
    const r = this.#link.takeTokens(this.#key, this.#spec, { deposit, want });
    if (r === undefined) return UNAVAILABLE;
    if (!isThenable(r)) {
      this.#apply(r);
      return ANSWERED;
    }
    this.#inflight = true;
    this.#flushing = r.then((reply) => {
      this.#inflight = false;
      this.#flushing = undefined;
      if (reply !== undefined) this.#apply(reply);
    });
    return PENDING;
  }

  #apply(reply: BucketReply): void {
    this.#cached += reply.granted;
    this.#fleetTokens = reply.tokens;
  }
}
