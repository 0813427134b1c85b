/**
 * @module
 * Tells standard secondaries (BIND, Knot, NSD…) that a zone changed: a DNS NOTIFY (RFC 1996)
 * to each one on every snapshot swap of the built-in server, so they fetch the new zone at
 * once (the server serves it by AXFR, see `DnsServer`'s `allowTransferFrom`) instead of
 * waiting for the SOA refresh timer.
 *
 * NOTIFY is a hint over UDP and may be lost, so it is retransmitted until the secondary
 * answers (RFC 1996 §3.6): every `retryIntervalMs`, at most `maxAttempts` times. The message
 * carries the new SOA in its answer section (§3.7), which lets a secondary skip its own SOA
 * query. A secondary that never answers costs only those attempts; its SOA refresh timer
 * remains the safety net. Only the latest swap of a zone is notified to a secondary: a
 * notification still being retried for an older serial is abandoned.
 */
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Disposable, Event } from '../../core/events.js';
import { showValue } from '../internal/options.js';
import type { ZoneSnapshot } from '../server/zone-snapshot.js';
import { DnsTransportError, exchangeUdp } from './internal/dns-client.js';
import type { DnsEndpoint } from './internal/dns-client.js';
import { rcodeOf } from './internal/packet.js';

export type { DnsEndpoint } from './internal/dns-client.js';

/** Where zone swaps come from: a `DnsServer` (its `onZoneSwap`), or anything alike. */
export interface ZoneSwapSource {
  readonly onZoneSwap: Event<readonly ZoneSnapshot[]>;
}

/** Options of {@link SecondaryNotifier}. */
export interface SecondaryNotifierOptions {
  /** The secondaries to notify. */
  readonly secondaries: readonly DnsEndpoint[];
  /** Subscribe to this server's swaps. Without it, call {@link SecondaryNotifier.notify}. */
  readonly server?: ZoneSwapSource;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** How long to wait for an answer before sending again, ms. Default 2000. */
  readonly retryIntervalMs?: number;
  /** Sends per zone swap and secondary (≥ 1). Default 5 (RFC 1996 §3.6 suggests a few). */
  readonly maxAttempts?: number;
}

/** The outcome of notifying one secondary of one zone. */
export interface NotifyResult {
  readonly secondary: DnsEndpoint;
  readonly zone: string;
  readonly serial: number;
  /** `'acknowledged'`: answered NOERROR; `'refused'`: answered otherwise; else no answer. */
  readonly outcome: 'acknowledged' | 'refused' | 'unanswered' | 'superseded';
  /** The RCODE when refused. */
  readonly rcode?: string;
  readonly attempts: number;
}

/** Sends NOTIFY to secondaries on every zone swap. See the module comment. */
export class SecondaryNotifier {
  readonly #secondaries: readonly DnsEndpoint[];
  readonly #clock: Clock;
  readonly #retryMs: number;
  readonly #maxAttempts: number;
  readonly #latest = new Map<string, number>();
  readonly #resultEmitter = new EventEmitter<NotifyResult>();
  #subscription: Disposable | undefined;
  #closed = false;

  /** Fires once per secondary and zone swap, when that notification is settled. */
  readonly onNotifyResult: Event<NotifyResult> = this.#resultEmitter.event;

  constructor(options: SecondaryNotifierOptions) {
    const where = 'SecondaryNotifier';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${where}: options must be an object, got ${showValue(options)}`);
    }
    const list = options.secondaries as readonly DnsEndpoint[] | undefined;
    if (
      !Array.isArray(list) ||
      list.some(
        (s: DnsEndpoint) =>
          typeof s !== 'object' ||
          s === null ||
          typeof s.host !== 'string' ||
          !Number.isInteger(s.port) ||
          s.port < 1 ||
          s.port > 65_535,
      )
    ) {
      throw new TypeError(
        `${where}: secondaries must be an array of { host, port (1–65535) }, got ${showValue(list)}`,
      );
    }
    this.#secondaries = list.map((s: DnsEndpoint) => ({ host: s.host, port: s.port }));
    this.#clock = options.clock ?? systemClock;
    this.#retryMs = options.retryIntervalMs ?? 2000;
    if (!Number.isInteger(this.#retryMs) || this.#retryMs < 1) {
      throw new RangeError(
        `${where}: retryIntervalMs must be an integer ≥ 1, got ${showValue(options.retryIntervalMs)}`,
      );
    }
    this.#maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) {
      throw new RangeError(
        `${where}: maxAttempts must be an integer ≥ 1, got ${showValue(options.maxAttempts)}`,
      );
    }
    if (options.server !== undefined) {
      this.#subscription = options.server.onZoneSwap((zones) => {
        for (const z of zones) void this.notify(z);
      });
    }
  }

  /** Notifies every secondary of `zone` (already being served); resolves when all settled. */
  async notify(zone: ZoneSnapshot): Promise<NotifyResult[]> {
    if (this.#closed) return [];
    this.#latest.set(zone.zone, zone.serial);
    return Promise.all(this.#secondaries.map((s) => this.#notifyOne(s, zone)));
  }

  async #notifyOne(secondary: DnsEndpoint, zone: ZoneSnapshot): Promise<NotifyResult> {
    const soa = zone.soa.records[0];
    const msg = dnsPacket.encode({
      id: randomInt(0, 65_536),
      type: 'query',
      // Opcode NOTIFY (4) in bits 11–14, AA set (RFC 1996 §3.7).
      flags: (4 << 11) | dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [{ name: zone.zone, type: 'SOA', class: 'IN' }],
      answers: [
        {
          name: zone.zone,
          type: 'SOA',
          class: 'IN',
          ttl: zone.soa.ttl,
          data: {
            mname: soa.mname,
            rname: soa.rname,
            serial: soa.serial,
            refresh: soa.refresh,
            retry: soa.retry,
            expire: soa.expire,
            minimum: soa.minimum,
          },
        },
      ],
    });
    let attempts = 0;
    let result: NotifyResult | undefined;
    while (result === undefined) {
      if (this.#closed || this.#latest.get(zone.zone) !== zone.serial) {
        result = {
          secondary,
          zone: zone.zone,
          serial: zone.serial,
          outcome: 'superseded',
          attempts,
        };
        break;
      }
      attempts++;
      try {
        const reply = await exchangeUdp(secondary, msg, {
          clock: this.#clock,
          timeoutMs: this.#retryMs,
        });
        const rcode = rcodeOf(dnsPacket.decode(reply));
        result =
          rcode === 'NOERROR'
            ? { secondary, zone: zone.zone, serial: zone.serial, outcome: 'acknowledged', attempts }
            : {
                secondary,
                zone: zone.zone,
                serial: zone.serial,
                outcome: 'refused',
                rcode,
                attempts,
              };
      } catch (e) {
        if (!(e instanceof DnsTransportError) && !(e instanceof RangeError)) throw e;
        if (attempts >= this.#maxAttempts) {
          result = {
            secondary,
            zone: zone.zone,
            serial: zone.serial,
            outcome: 'unanswered',
            attempts,
          };
        }
      }
    }
    if (this.#resultEmitter.hasListeners) this.#resultEmitter.emit(result);
    return result;
  }

  /** Stops listening for swaps; notifications in flight end after their current attempt. */
  close(): void {
    this.#closed = true;
    this.#subscription?.dispose();
    this.#subscription = undefined;
  }
}
