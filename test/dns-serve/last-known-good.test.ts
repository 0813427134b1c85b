/**
 * Last known good, on real sockets and the real SQLite store: the server keeps answering `dig`
 * from the plan it holds when the store becomes unreachable — failing calls (a
 * `FaultyPlanStore` around the SQLite store), then the SQLite file closed under it — and its
 * status says stale, with the reason, until the store answers again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { Rng } from '../../src/core/rng.js';
import { FaultyPlanStore } from '../../src/dns/plan-store/faulty-store.js';
import { openSqlitePlanStore } from '../../src/dns/plan-store/sqlite-store.js';
import type { SqlitePlanStore } from '../../src/dns/plan-store/sqlite-store.js';
import { DnsService } from '../../src/dns/serve/dns-service.js';
import { dig, ensureDnsTools } from '../support/bind.js';

ensureDnsTools();

const dir = mkdtempSync(join(tmpdir(), 'bw-dns-lkg-'));
let sqlite: SqlitePlanStore;
let faulty: FaultyPlanStore;
let service: DnsService;
let port = 0;

before(async () => {
  sqlite = await openSqlitePlanStore({ file: join(dir, 'state.db') });
  faulty = new FaultyPlanStore({ store: sqlite, clock: systemClock });
  service = new DnsService({
    clock: systemClock,
    rng: new Rng(11),
    store: faulty,
    zones: [{ zone: 'example.test' }],
    names: [
      {
        name: 'www.example.test',
        policy: { kind: 'failover' },
        endpoints: [
          { address: '192.0.2.10', role: 'primary' },
          { address: '192.0.2.11', role: 'secondary' },
        ],
      },
    ],
    records: [
      {
        name: 'example.test',
        type: 'MX',
        records: [{ preference: 10, exchange: 'mail.example.test' }],
      },
    ],
    server: { port: 0 },
    syncIntervalMs: 200,
    syncTimeoutMs: 300,
  });
  port = (await service.start()).port;
});

after(async () => {
  await service.close();
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

async function www(): Promise<string[]> {
  const r = await dig({ port }, ['www.example.test', 'A']);
  assert.equal(r.status, 'NOERROR');
  return r.answer.map((a) => a.data);
}

describe('DnsService last known good', () => {
  it('serves generation 1 while the store is reachable', async () => {
    assert.deepEqual(await www(), ['192.0.2.10']);
    assert.equal(service.status().stale, false);
  });

  it('keeps answering and says stale while every store call fails', async () => {
    const fault = faulty.inject({ fault: { kind: 'error' } });
    await service.sync();
    const s = service.status();
    assert.equal(s.stale, true);
    assert.match(s.staleReason ?? '', /plan store unreachable/);
    assert.match(s.staleReason ?? '', /last known good plan \(generation 1\)/);
    assert.equal(typeof s.staleSinceMs, 'number');
    assert.deepEqual(await www(), ['192.0.2.10']);
    const mx = await dig({ port }, ['example.test', 'MX']);
    assert.deepEqual(
      mx.answer.map((a) => a.data),
      ['10 mail.example.test.'],
    );
    // Recovery: the sync loop reads the store again and clears the flag (the read policy's
    // breaker may hold the first attempts for its half-open delay).
    fault.remove();
    const until = systemClock.monotonic() + 10_000;
    while (service.status().stale && systemClock.monotonic() < until) await systemClock.sleep(100);
    assert.equal(service.status().stale, false);
  });

  it('keeps answering when the SQLite file is closed under it', async () => {
    await sqlite.close();
    await service.sync();
    const s = service.status();
    assert.equal(s.stale, true);
    assert.match(s.staleReason ?? '', /closed/i);
    assert.equal(s.server.zones[0]?.serial, 1);
    assert.deepEqual(await www(), ['192.0.2.10']);
  });
});
