/**
 * RFC 2136 + TSIG against a real BIND 9: plans applied through {@link Rfc2136Target} and
 * read back with dig; the generation fence refusing a stale update at the server (NXRRSET);
 * an unsigned update and one signed with a wrong secret refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { Rng } from '../../src/core/rng.js';
import { createEnactors } from '../../src/dns/create-enactors.js';
import { MemoryPlanStore } from '../../src/dns/plan-store/memory-store.js';
import { createPlanContent, createPlanDraft, planOf } from '../../src/dns/plan.js';
import type { Plan } from '../../src/dns/plan.js';
import type { RecordSetInput } from '../../src/dns/record-set.js';
import { isProviderRefusedError } from '../../src/dns/providers/errors.js';
import { Rfc2136Target } from '../../src/dns/providers/rfc2136-target.js';
import { dig, freePort, startNamedWithConfig } from '../support/bind.js';
import type { NamedHandle } from '../support/bind.js';

const ZONE = 'dyn.test';
const KEY_NAME = 'breakwater-key';
const SECRET = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const ctx = { actor: 'test', atMs: 0 };

function plan(generation: number, sets: readonly RecordSetInput[]): Plan {
  return planOf(
    createPlanDraft({ content: createPlanContent(sets), plannerId: 'test', createdAtMs: 0 }),
    generation,
  );
}

const ZONE_FILE = `$ORIGIN ${ZONE}.
@ 3600 IN SOA ns1.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 60
@ 3600 IN NS ns1.${ZONE}.
ns1 3600 IN A 127.0.0.1
`;

let named: NamedHandle;
let port: number;

function target(secret = SECRET): Rfc2136Target {
  return new Rfc2136Target({
    id: 'bind',
    zone: ZONE,
    server: { host: '127.0.0.1', port },
    key: { name: KEY_NAME, secret: Buffer.from(secret, 'base64') },
  });
}

async function answers(name: string, type: string): Promise<string[]> {
  const r = await dig({ port }, [name, type]);
  return r.answer
    .filter((a) => a.type === type)
    .map((a) => a.data)
    .sort();
}

function nsupdate(script: string): Promise<string> {
  const file = join(named.dir, 'nsupdate.txt');
  writeFileSync(file, script);
  return new Promise((resolve) => {
    execFile('nsupdate', [file], { encoding: 'utf8', timeout: 10_000 }, (_err, stdout, stderr) =>
      resolve(stdout + stderr),
    );
  });
}

before(async () => {
  port = await freePort();
  named = await startNamedWithConfig({
    port,
    files: { [`${ZONE}.zone`]: ZONE_FILE },
    config: (dir) => `key "${KEY_NAME}" { algorithm hmac-sha256; secret "${SECRET}"; };
zone "${ZONE}" {
  type primary;
  file "${dir}/${ZONE}.zone";
  allow-update { key "${KEY_NAME}"; };
  allow-transfer { key "${KEY_NAME}"; };
};`,
  });
});

after(async () => {
  await named.stop();
});

describe('Rfc2136Target', () => {
  it('applies a first plan (sentinel absent) and BIND answers with its records', async () => {
    const t = target();
    assert.equal(await t.activeGeneration(), undefined);
    const p1 = plan(1, [
      { name: `www.${ZONE}`, type: 'A', ttl: 60, records: ['192.0.2.1', '192.0.2.2'] },
      { name: `www.${ZONE}`, type: 'AAAA', records: ['2001:db8::1'] },
      {
        name: `mail.${ZONE}`,
        type: 'MX',
        records: [{ preference: 10, exchange: `mx.example.net` }],
      },
      { name: `txt.${ZONE}`, type: 'TXT', records: ['hello "world"', 'x'.repeat(300)] },
      {
        name: `_sip._tcp.${ZONE}`,
        type: 'SRV',
        records: [{ priority: 1, weight: 2, port: 5060, target: `sip.example.net` }],
      },
      { name: `alias.${ZONE}`, type: 'CNAME', records: [`www.${ZONE}`] },
    ]);
    const r = await t.apply(p1, ctx);
    assert.deepEqual(r, { outcome: 'won', previousGeneration: undefined });
    assert.equal(await t.activeGeneration(), 1);
    assert.deepEqual(await answers(`www.${ZONE}`, 'A'), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(await answers(`www.${ZONE}`, 'AAAA'), ['2001:db8::1']);
    assert.deepEqual(await answers(`mail.${ZONE}`, 'MX'), [`10 mx.example.net.`]);
    assert.deepEqual(await answers(`_sip._tcp.${ZONE}`, 'SRV'), [`1 2 5060 sip.example.net.`]);
    assert.deepEqual(await answers(`alias.${ZONE}`, 'CNAME'), [`www.${ZONE}.`]);
    const state = await t.read();
    assert.equal(state.activeGeneration, 1);
    assert.equal(state.contentHash, p1.contentHash);
    assert.deepEqual(
      state.recordSets.map((s) => `${s.name} ${s.type}`),
      p1.content.recordSets
        .map((s) => `${s.name} ${s.type}`)
        .concat(`ns1.${ZONE} A`)
        .sort(),
    );
    const txt = state.recordSets.find((s) => s.type === 'TXT');
    assert.deepEqual(
      txt?.records.map((x) => (x as { text: string }).text),
      ['hello "world"', 'x'.repeat(300)].sort(),
    );
  });

  it('replaces changed sets, deletes dropped ones and leaves SOA/NS alone', async () => {
    const t = target();
    const p2 = plan(2, [
      { name: `www.${ZONE}`, type: 'A', ttl: 30, records: ['192.0.2.9'] },
      { name: `new.${ZONE}`, type: 'TXT', records: ['n'] },
      { name: `ns1.${ZONE}`, type: 'A', ttl: 3600, records: ['127.0.0.1'] },
    ]);
    assert.deepEqual(await t.apply(p2, ctx), { outcome: 'won', previousGeneration: 1 });
    assert.deepEqual(await answers(`www.${ZONE}`, 'A'), ['192.0.2.9']);
    assert.deepEqual(await answers(`www.${ZONE}`, 'AAAA'), []);
    assert.deepEqual(await answers(`alias.${ZONE}`, 'CNAME'), []);
    assert.deepEqual(await answers(`new.${ZONE}`, 'TXT'), ['"n"']);
    assert.equal((await answers(ZONE, 'SOA')).length, 1);
    assert.deepEqual(await answers(ZONE, 'NS'), [`ns1.${ZONE}.`]);
    const www = (await dig({ port }, [`www.${ZONE}`, 'A'])).answer[0];
    assert.equal(www?.ttl, 30);
  });

  it('is already-active for its own generation, lost for an older one', async () => {
    const t = target();
    const p2again = plan(2, [{ name: `www.${ZONE}`, type: 'A', records: ['192.0.2.9'] }]);
    assert.deepEqual(await t.apply(p2again, ctx), { outcome: 'already-active' });
    const p1 = plan(1, [{ name: `www.${ZONE}`, type: 'A', records: ['192.0.2.66'] }]);
    assert.deepEqual(await t.apply(p1, ctx), {
      outcome: 'lost',
      reason: 'not-newer',
      currentGeneration: 2,
    });
    assert.deepEqual(await answers(`www.${ZONE}`, 'A'), ['192.0.2.9']);
  });

  it('the server itself refuses a stale update: NXRRSET, nothing changes', async () => {
    const t = target();
    const before = await t.readSentinel();
    assert.ok(before.present);
    // An enactor that read generation 1 earlier and now tries to install generation 5.
    const stale = { present: true as const, generation: 1, contentHash: undefined, text: 'g=1' };
    const p5 = plan(5, [{ name: `www.${ZONE}`, type: 'A', records: ['198.51.100.5'] }]);
    assert.equal(await t.sendFencedUpdate(stale, p5), 'NXRRSET');
    // And one that believes the zone was never fenced.
    assert.equal(await t.sendFencedUpdate({ present: false }, p5), 'YXRRSET');
    assert.deepEqual(await answers(`www.${ZONE}`, 'A'), ['192.0.2.9']);
    assert.equal(await t.activeGeneration(), 2);
  });

  it('two enactors racing from the same read: exactly one update wins', async () => {
    const a = target();
    const b = target();
    const seen = await a.readSentinel();
    const p3 = plan(3, [{ name: `www.${ZONE}`, type: 'A', records: ['192.0.2.3'] }]);
    const p4 = plan(4, [{ name: `www.${ZONE}`, type: 'A', records: ['192.0.2.4'] }]);
    const [ra, rb] = await Promise.all([
      a.sendFencedUpdate(seen, p3),
      b.sendFencedUpdate(seen, p4),
    ]);
    assert.deepEqual([ra, rb].sort(), ['NOERROR', 'NXRRSET']);
    const g = await a.activeGeneration();
    assert.ok(g === 3 || g === 4);
    // The loser re-reads and applies behind the fence: generation 4 wins or stays.
    const r = await b.apply(p4, ctx);
    assert.ok(r.outcome === 'won' || r.outcome === 'already-active');
    assert.equal(await a.activeGeneration(), 4);
    assert.deepEqual(await answers(`www.${ZONE}`, 'A'), ['192.0.2.4']);
  });

  it('an update signed with the wrong secret is refused (NOTAUTH) and changes nothing', async () => {
    const bad = target(Buffer.from('not-the-secret-not-the-secret!!!').toString('base64'));
    const p9 = plan(9, [{ name: `www.${ZONE}`, type: 'A', records: ['203.0.113.9'] }]);
    await assert.rejects(
      () => bad.apply(p9, ctx),
      (e: unknown) => isProviderRefusedError(e) && e.rcode === 'NOTAUTH',
    );
    assert.deepEqual(await answers(`www.${ZONE}`, 'A'), ['192.0.2.4']);
  });

  it("a 'repair' apply re-writes the active generation's records after a change behind its back", async () => {
    const out = await nsupdate(
      `server 127.0.0.1 ${port}\nkey hmac-sha256:${KEY_NAME} ${SECRET}\nzone ${ZONE}\n` +
        `update delete www.${ZONE} A\nupdate add www.${ZONE} 60 A 203.0.113.13\nsend\n`,
    );
    assert.doesNotMatch(out, /REFUSED|NOTAUTH|failed/);
    assert.deepEqual(await answers(`www.${ZONE}`, 'A'), ['203.0.113.13']);
    const t = target();
    const p4 = plan(4, [{ name: `www.${ZONE}`, type: 'A', records: ['192.0.2.4'] }]);
    assert.deepEqual(await t.apply(p4, ctx), { outcome: 'already-active' });
    assert.deepEqual(await t.apply(p4, { ...ctx, mode: 'repair' }), {
      outcome: 'won',
      previousGeneration: 4,
    });
    assert.deepEqual(await answers(`www.${ZONE}`, 'A'), ['192.0.2.4']);
    assert.equal((await t.read()).contentHash, p4.contentHash);
  });

  it('an unsigned update is refused by BIND (REFUSED) and changes nothing', async () => {
    const out = await nsupdate(
      `server 127.0.0.1 ${port}\nzone ${ZONE}\nupdate add evil.${ZONE} 60 A 203.0.113.66\nsend\n`,
    );
    assert.match(out, /REFUSED/);
    assert.deepEqual(await answers(`evil.${ZONE}`, 'A'), []);
  });
});

describe('Rfc2136Target behind three racing enactors', () => {
  it('the sentinel only moves forward and ends at the newest plan', async () => {
    const store = new MemoryPlanStore();
    const ids = ['enactor-a', 'enactor-b', 'enactor-c'];
    const enactors = createEnactors({
      store,
      clock: systemClock,
      rng: new Rng(2136),
      ids,
      targets: [target()],
    });
    const start = (await target().activeGeneration()) ?? 0;
    // Move the store past the generations the earlier tests put at BIND.
    for (let i = 0; i <= start; i++) {
      await store.putPlan(
        createPlanDraft({
          content: createPlanContent([
            { name: `filler.${ZONE}`, type: 'A', records: ['192.0.2.1'] },
          ]),
          plannerId: 'test',
          createdAtMs: 0,
        }),
        ctx,
      );
    }
    const seen: number[] = [];
    for (let round = 1; round <= 4; round++) {
      // Plans are written while the enactors run: each pass may see a different newest plan.
      const written = await store.putPlan(
        createPlanDraft({
          content: createPlanContent([
            { name: `race.${ZONE}`, type: 'A', records: [`192.0.2.${100 + round}`] },
          ]),
          plannerId: 'test',
          createdAtMs: round,
        }),
        ctx,
      );
      assert.equal(written.outcome, 'written');
      await Promise.all(enactors.map((e) => e.runOnce()));
      const g = await target().activeGeneration();
      assert.ok(g !== undefined);
      seen.push(g);
    }
    const newest = (await store.newestPlan())!;
    assert.ok(newest.generation > start);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, String(seen));
    assert.equal(seen.at(-1), newest.generation);
    assert.deepEqual(await answers(`race.${ZONE}`, 'A'), ['192.0.2.104']);
    assert.equal((await target().read()).contentHash, newest.contentHash);
  });
});

describe('Rfc2136Target with a zone larger than one message', () => {
  it('reads it back through a multi-message, TSIG-chained AXFR', async () => {
    const t = target();
    const g = ((await t.activeGeneration()) ?? 0) + 1;
    const sets = Array.from({ length: 1200 }, (_, i) => ({
      name: `h${i}.bulk.${ZONE}`,
      type: 'A' as const,
      records: [`10.1.${Math.floor(i / 200)}.${i % 200}`],
    }));
    const p = plan(g, sets);
    assert.deepEqual(await t.apply(p, ctx), { outcome: 'won', previousGeneration: g - 1 });
    const state = await t.read();
    assert.equal(state.activeGeneration, g);
    assert.equal(state.recordSets.filter((s) => s.name.endsWith(`.bulk.${ZONE}`)).length, 1200);
    const axfr = await dig({ port }, ['-y', `hmac-sha256:${KEY_NAME}:${SECRET}`, ZONE, 'AXFR']);
    const m = /XFR size: \d+ records \(messages (\d+)/.exec(axfr.text);
    assert.ok(m !== null && Number(m[1]) > 1, 'BIND sent the zone in several messages');
  });
});
