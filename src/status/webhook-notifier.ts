/**
 * @module
 * Webhook notifications of verdict changes: a generic JSON body, or a Slack-compatible one
 * (`{"text": ...}`, which Slack, Mattermost, Rocket.Chat and Discord's `/slack` endpoint all
 * accept). Each webhook is called through the resilience library — a {@link CircuitBreaker}
 * outside a budgeted {@link Retry} outside a per-attempt {@link Timeout} — so a dead receiver costs a few fast failures, not a
 * retry storm at the moment everything else is failing too.
 *
 * De-duplicated: a monitor's state is announced once per change (a second "down" for a monitor
 * already announced down is dropped), and "up" is sent only as a recovery notice after a "down"
 * was announced — a monitor that starts healthy produces no noise.
 */
import type { Clock } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { exponentialBackoff } from '../resilience/backoff/exponential.js';
import { ConsecutiveBreaker } from '../resilience/breaker/consecutive.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { pipeline } from '../resilience/pipeline.js';
import type { Pipeline } from '../resilience/pipeline.js';
import { signalOf } from '../resilience/policy.js';
import { Retry } from '../resilience/retry.js';
import { LocalRetryBudget } from '../resilience/retry-budget.js';
import { Timeout } from '../resilience/timeout.js';
import type { WebhookConfig } from './config.js';
import { isoTime } from './render/html.js';
import type { MonitorChangeEvent } from './status-monitor.js';

/** Options of {@link WebhookNotifier}. */
export interface WebhookNotifierOptions {
  readonly webhooks: readonly WebhookConfig[];
  readonly clock: Clock;
  readonly rng: Rng;
  /** Page title, for message text. */
  readonly title?: string;
  /** Attempts per notification, first included. Default 4. */
  readonly maxAttempts?: number;
  /** Per-request timeout, ms. Default 10 000. */
  readonly requestTimeoutMs?: number;
  /** Sends one request; default `fetch`. Injected by tests that count calls. */
  readonly fetch?: typeof fetch;
}

/** Payload of {@link WebhookNotifier.send}'s result per webhook. */
export interface DeliveryResult {
  readonly url: string;
  readonly ok: boolean;
  readonly error?: string;
}

interface Hook {
  readonly config: WebhookConfig;
  readonly policy: Pipeline;
}

/** Sends de-duplicated change and recovery notices to webhooks. */
export class WebhookNotifier {
  readonly #hooks: Hook[];
  readonly #announced = new Map<string, boolean>();
  readonly #title: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: WebhookNotifierOptions) {
    const maxAttempts = options.maxAttempts ?? 4;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(
        `WebhookNotifier: maxAttempts must be an integer >= 1, got ${String(maxAttempts)}`,
      );
    }
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#title = options.title ?? 'Status';
    this.#fetch = options.fetch ?? fetch;
    // One budget for every webhook: retries stay a fraction of notifications, whatever fails.
    // It starts with 5 tokens (one outage's worth of retries for a couple of receivers), then
    // refills at 1 per second: a flapping monitor cannot turn into a retry flood.
    const budget = new LocalRetryBudget({
      clock: options.clock,
      minRetriesPerSecond: 1,
      ratio: 0.2,
      initialTokens: 5,
    });
    this.#hooks = options.webhooks.map((config) => ({
      config,
      policy: pipeline(
        new CircuitBreaker({
          breaker: new ConsecutiveBreaker({ threshold: 5 }),
          clock: options.clock,
          halfOpenAfterMs: 30_000,
        }),
        new Retry({
          clock: options.clock,
          rng: options.rng,
          maxAttempts,
          budget,
          backoff: exponentialBackoff({ baseMs: 500, capMs: 30_000 }),
        }),
        new Timeout({ timeoutMs: this.#timeoutMs, clock: options.clock }),
      ),
    }));
  }

  /** The JSON body for a change. */
  static jsonBody(e: MonitorChangeEvent, title: string): object {
    return {
      type: e.up ? 'monitor.recovered' : 'monitor.down',
      page: title,
      monitor: { id: e.monitor, name: e.name },
      status: e.up ? 'up' : 'down',
      at: isoTime(e.atMs),
      vantagePoints: { down: e.downVantages, total: e.vantages },
      detail: e.detail,
    };
  }

  /** The Slack-compatible body for a change. */
  static slackBody(e: MonitorChangeEvent, title: string): object {
    const text = e.up
      ? `:large_green_circle: *${e.name}* recovered (${title}, ${isoTime(e.atMs)})`
      : `:red_circle: *${e.name}* is down: ${e.detail || 'probe failed'} (${e.downVantages}/${e.vantages} vantage points; ${title}, ${isoTime(e.atMs)})`;
    return { text };
  }

  /**
   * Announces a change unless it repeats what was last announced for that monitor; resolves
   * with what each webhook did (empty when de-duplicated). Never rejects.
   */
  async notify(e: MonitorChangeEvent): Promise<DeliveryResult[]> {
    const last = this.#announced.get(e.monitor);
    if (last === e.up || (last === undefined && e.up)) return [];
    this.#announced.set(e.monitor, e.up);
    return Promise.all(this.#hooks.map((h) => this.#deliver(h, e)));
  }

  async #deliver(h: Hook, e: MonitorChangeEvent): Promise<DeliveryResult> {
    const body = JSON.stringify(
      h.config.format === 'slack'
        ? WebhookNotifier.slackBody(e, this.#title)
        : WebhookNotifier.jsonBody(e, this.#title),
    );
    try {
      await h.policy.execute(async (ctx) => {
        const outer = signalOf(ctx);
        const signal =
          outer === undefined
            ? AbortSignal.timeout(this.#timeoutMs)
            : AbortSignal.any([outer, AbortSignal.timeout(this.#timeoutMs)]);
        const res = await this.#fetch(h.config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal,
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`webhook answered ${res.status}`);
      });
      return { url: h.config.url, ok: true };
    } catch (err) {
      return { url: h.config.url, ok: false, error: (err as Error).message };
    }
  }
}
