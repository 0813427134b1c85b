/**
 * @module
 * Real DNS peers for the tests and the benchmark: `dig` (Debian `bind9-dnsutils`), a BIND 9
 * `named` (Debian `bind9`) on a loopback port with a generated config in a temp dir, and
 * `dnsperf` (Debian `dnsperf`).
 *
 * {@link ensureDnsTools} installs the three packages when one is missing, with `apt-get update`
 * once and `apt-get install -y`, under `flock` so that test files running in parallel
 * processes do not race for dpkg's lock; apt's output goes to stderr (stdout may be a test
 * runner's TAP stream). `dig` runs asynchronously — the server under test usually lives in
 * the same process, and a synchronous child would block the event loop it answers on.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages } from './debian.js';
import { systemClock } from '../../src/core/clock.js';
import type { ZoneSnapshot } from '../../src/dns/server/zone-snapshot.js';

/** The binaries the DNS tests need, and the Debian package of each. */
export const DNS_TOOLS: readonly { readonly path: string; readonly pkg: string }[] = [
  { path: '/usr/bin/dig', pkg: 'bind9-dnsutils' },
  { path: '/usr/sbin/named', pkg: 'bind9' },
  { path: '/usr/bin/dnsperf', pkg: 'dnsperf' },
];

/** Makes sure `dig`, `named` and `dnsperf` are installed. */
export function ensureDnsTools(): void {
  ensureDebianPackages('test/support/bind', DNS_TOOLS);
}

/** One resource record as `dig` prints it. */
export interface DigRecord {
  readonly name: string;
  readonly ttl: number;
  readonly type: string;
  /** The RDATA in presentation form (`192.0.2.1`, `10 mail.example.test.`). */
  readonly data: string;
}

/** What `dig` reported. */
export interface DigResult {
  /** NOERROR, NXDOMAIN, REFUSED, FORMERR, NOTIMP, SERVFAIL, BADVERS… */
  readonly status: string;
  readonly id: number;
  /** Header flags: `qr`, `aa`, `tc`, `rd`, `ra`… */
  readonly flags: readonly string[];
  readonly question: readonly string[];
  readonly answer: readonly DigRecord[];
  readonly authority: readonly DigRecord[];
  readonly additional: readonly DigRecord[];
  /** The EDNS pseudo-section, if any: version, UDP size and flags (`do`). */
  readonly edns:
    | { readonly version: number; readonly udp: number; readonly flags: readonly string[] }
    | undefined;
  /** ECS as dig prints it (`10.1.2.0/24/16`), if the response carried one. */
  readonly clientSubnet: string | undefined;
  /** Response size in bytes. */
  readonly size: number;
  /** `UDP` or `TCP`. */
  readonly transport: string;
  /** The raw output. */
  readonly text: string;
}

/** Where `dig` sends its query. */
export interface DigServer {
  readonly address?: string;
  readonly port: number;
}

function parseRecord(line: string): DigRecord | undefined {
  const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line);
  if (m === null) return undefined;
  return { name: m[1]!, ttl: Number(m[2]), type: m[3]!, data: m[4]!.trim() };
}

/** Parses `dig`'s default output (comments on). */
export function parseDig(text: string): DigResult {
  const header = /->>HEADER<<- opcode: (\S+), status: (\S+), id: (\d+)/.exec(text);
  const flags = /;; flags:([^;]*);/.exec(text);
  const edns = /; EDNS: version: (\d+), flags:([^;]*); udp: (\d+)/.exec(text);
  const ecs = /; CLIENT-SUBNET: (\S+)/.exec(text);
  const size = /;; MSG SIZE\s+rcvd: (\d+)/.exec(text);
  const server = /;; SERVER: .*\((UDP|TCP)\)/.exec(text);
  const sections: Record<string, string[]> = {
    QUESTION: [],
    ANSWER: [],
    AUTHORITY: [],
    ADDITIONAL: [],
  };
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const sec = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.exec(line);
    if (sec !== null) {
      current = sections[sec[1]!];
      continue;
    }
    if (line.trim() === '' || line.startsWith(';;')) {
      current = undefined;
      continue;
    }
    current?.push(line);
  }
  const records = (lines: readonly string[]): DigRecord[] =>
    lines.map(parseRecord).filter((r): r is DigRecord => r !== undefined);
  return {
    status: header?.[2] ?? 'NO RESPONSE',
    id: Number(header?.[3] ?? -1),
    flags: (flags?.[1] ?? '').trim().split(/\s+/).filter(Boolean),
    question: sections['QUESTION']!.map((l) => l.replace(/^;/, '')),
    answer: records(sections['ANSWER']!),
    authority: records(sections['AUTHORITY']!),
    additional: records(sections['ADDITIONAL']!),
    edns:
      edns === null
        ? undefined
        : {
            version: Number(edns[1]),
            udp: Number(edns[3]),
            flags: edns[2]!.trim().split(/\s+/).filter(Boolean),
          },
    clientSubnet: ecs?.[1],
    size: Number(size?.[1] ?? 0),
    transport: server?.[1] ?? '',
    text,
  };
}

/**
 * Runs `dig @address -p port ARGS` without blocking the event loop and parses its output.
 * Adds `+norec +time=2 +tries=1` (an authoritative server never recurses) unless overridden.
 */
export function dig(server: DigServer, args: readonly string[]): Promise<DigResult> {
  const argv = [
    `@${server.address ?? '127.0.0.1'}`,
    '-p',
    String(server.port),
    '+norec',
    '+time=2',
    '+tries=1',
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile('dig', argv, { encoding: 'utf8', timeout: 10_000 }, (err, stdout, stderr) => {
      // dig exits 9 when no server answered: report that as a result, not a crash.
      if (err !== null && stdout === '') {
        reject(new Error(`dig ${argv.join(' ')} failed: ${err.message}\n${stderr}`));
        return;
      }
      resolve(parseDig(stdout));
    });
  });
}

function absolute(name: string): string {
  return name === '.' ? '.' : `${name}.`;
}

function quoteTxt(text: string): string {
  // Split into ≤ 255-byte character-strings, as the wire does, escaping quotes and backslashes.
  const bytes = Buffer.from(text, 'utf8');
  const parts: string[] = [];
  for (let at = 0; at < bytes.length || at === 0; at += 255) {
    const chunk = bytes.subarray(at, Math.min(bytes.length, at + 255));
    let s = '';
    for (const b of chunk) {
      if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
      else if (b < 0x20 || b > 0x7e) s += `\\${String(b).padStart(3, '0')}`;
      else s += String.fromCharCode(b);
    }
    parts.push(`"${s}"`);
    if (bytes.length === 0) break;
  }
  return parts.join(' ');
}

/**
 * Renders a snapshot as an RFC 1035 master file, so BIND (or Knot) serves the same data.
 * Region variants are left out: the default records are what a server without latency
 * routing answers.
 */
export function zoneFileOf(zone: ZoneSnapshot): string {
  const lines = [`$ORIGIN ${absolute(zone.zone)}`];
  const soa = zone.soa.records[0];
  lines.push(
    `${absolute(zone.zone)} ${zone.soa.ttl} IN SOA ${absolute(soa.mname)} ${absolute(soa.rname)} ` +
      `${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`,
  );
  for (const ns of zone.ns.records)
    lines.push(`${absolute(zone.zone)} ${zone.ns.ttl} IN NS ${absolute(ns.host)}`);
  for (const node of zone.nodes.values()) {
    for (const set of node.sets.values()) {
      if (set.type === 'SOA' || set.type === 'NS') continue;
      for (const r of set.records as unknown as readonly Record<string, unknown>[]) {
        let rdata: string;
        switch (set.type) {
          case 'A':
          case 'AAAA':
            rdata = String(r['address']);
            break;
          case 'CNAME':
            rdata = absolute(String(r['target']));
            break;
          case 'TXT':
            rdata = quoteTxt(String(r['text']));
            break;
          case 'MX':
            rdata = `${Number(r['preference'])} ${absolute(String(r['exchange']))}`;
            break;
          case 'SRV':
            rdata = `${Number(r['priority'])} ${Number(r['weight'])} ${Number(r['port'])} ${absolute(String(r['target']))}`;
            break;
        }
        lines.push(`${absolute(node.name)} ${set.ttl} IN ${set.type} ${rdata}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A running `named`. */
export interface NamedHandle {
  readonly port: number;
  readonly pid: number;
  /** The temp dir holding its config, zone files and log. */
  readonly dir: string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and removes the temp dir. */
  stop(): Promise<void>;
}

/** Options of {@link startNamed}. */
export interface StartNamedOptions {
  readonly zones: readonly ZoneSnapshot[];
  readonly port: number;
  readonly address?: string;
  /** Worker threads (`named -n`). Default 1. */
  readonly workers?: number;
  /** Extra statements for the `options { }` block. */
  readonly extraOptions?: string;
}

/**
 * Starts BIND 9 as an authoritative-only server for `zones` on `address:port` (UDP and
 * TCP), in the foreground (`-g`), with a config in a fresh temp dir. Resolves once it
 * answers an SOA query for the first zone.
 */
export async function startNamed(options: StartNamedOptions): Promise<NamedHandle> {
  ensureDnsTools();
  const dir = mkdtempSync(join(tmpdir(), 'breakwater-named-'));
  const address = options.address ?? '127.0.0.1';
  const zones = options.zones
    .map((z) => {
      const file = join(dir, `${z.zone}.zone`);
      writeFileSync(file, zoneFileOf(z));
      return `zone "${z.zone}" { type primary; file "${file}"; };`;
    })
    .join('\n');
  // Authoritative only, minimal responses (as ours are), no control channel, no transfers.
  const conf = `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  listen-on port ${options.port} { ${address}; };
  listen-on-v6 { none; };
  recursion no;
  allow-transfer { none; };
  dnssec-validation no;
  minimal-responses yes;
  notify no;
  ${options.extraOptions ?? ''}
};
controls { };
${zones}
`;
  writeFileSync(join(dir, 'named.conf'), conf);
  const child: ChildProcess = spawn(
    'named',
    ['-g', '-c', join(dir, 'named.conf'), '-n', String(options.workers ?? 1)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => {
    log += c.toString('utf8');
    if (log.length > 200_000) log = log.slice(-100_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = systemClock.setTimer(5000, () => child.kill('SIGKILL'));
      await exited;
      timer.cancel();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const first = options.zones[0];
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (first === undefined) break;
    try {
      const r = await dig({ address, port: options.port }, [first.zone, 'SOA', '+time=1']);
      if (r.status === 'NOERROR') {
        return { port: options.port, pid: child.pid ?? -1, dir, stop };
      }
    } catch {
      // not up yet
    }
    await systemClock.sleep(100);
  }
  await stop();
  throw new Error(`named did not start on ${address}:${options.port}:\n${log.slice(-4000)}`);
}

/** A free port on 127.0.0.1 for both UDP and TCP (bind both to port 0 and compare). */
export async function freePort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const { createServer } = await import('node:net');
  for (;;) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve) =>
      udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)),
    );
    const tcp = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    if (ok) {
      await new Promise<void>((r) => tcp.close(() => r()));
      return port;
    }
  }
}

/** Options of {@link startNamedWithConfig}. */
export interface StartNamedWithConfigOptions {
  readonly port: number;
  readonly address?: string;
  /**
   * The rest of `named.conf` after the generated `options { }` block (keys, zones), given the
   * temp dir so zone files can be placed in it.
   */
  readonly config: (dir: string) => string;
  /** Files to write into the temp dir first (name → content), e.g. zone files. */
  readonly files?: Readonly<Record<string, string>>;
  /** Extra statements for the `options { }` block. */
  readonly extraOptions?: string;
}

/**
 * Starts BIND 9 like {@link startNamed}, but with zones, keys and ACLs written by the caller
 * (dynamic-update primaries, secondaries). Resolves once `named` answers anything on the port
 * (a secondary may still be transferring its zones).
 */
export async function startNamedWithConfig(
  options: StartNamedWithConfigOptions,
): Promise<NamedHandle> {
  ensureDnsTools();
  const dir = mkdtempSync(join(tmpdir(), 'breakwater-named-'));
  const address = options.address ?? '127.0.0.1';
  for (const [name, content] of Object.entries(options.files ?? {})) {
    writeFileSync(join(dir, name), content);
  }
  const conf = `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  listen-on port ${options.port} { ${address}; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  minimal-responses yes;
  ${options.extraOptions ?? ''}
};
controls { };
${options.config(dir)}
`;
  writeFileSync(join(dir, 'named.conf'), conf);
  const child: ChildProcess = spawn('named', ['-g', '-c', join(dir, 'named.conf'), '-n', '1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => {
    log += c.toString('utf8');
    if (log.length > 200_000) log = log.slice(-100_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = systemClock.setTimer(5000, () => child.kill('SIGKILL'));
      await exited;
      timer.cancel();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    try {
      const r = await dig({ address, port: options.port }, [
        'version.bind',
        'CH',
        'TXT',
        '+time=1',
      ]);
      if (r.status !== 'NO RESPONSE') {
        return { port: options.port, pid: child.pid ?? -1, dir, stop };
      }
    } catch {
      // not up yet
    }
    await systemClock.sleep(100);
  }
  await stop();
  throw new Error(`named did not start on ${address}:${options.port}:\n${log.slice(-4000)}`);
}
