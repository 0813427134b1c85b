/**
 * @module
 * A real etcd for the tests that need one: {@link startEtcdServer} runs Debian's `etcd`
 * (package `etcd-server`) as a single-member cluster on free loopback client and peer ports,
 * with a fresh data directory, waits until `/health` answers `"health":"true"`, and stops it
 * (and removes the directory) afterwards. It can also be killed (SIGKILL, a crash) and paused
 * (SIGSTOP, a member that holds its sockets but answers nothing).
 *
 * When `etcd` is missing it installs the package (`apt-get update && apt-get install -y
 * etcd-server`) once, under `flock` on the lock the other support files use, so test files
 * running in parallel do not race for dpkg's lock. Everything it does is logged to stderr
 * (stdout may be a test runner's TAP stream).
 *
 * The data directory goes to `/dev/shm` when there is one: etcd fsyncs every commit, and on
 * tmpfs that costs nothing, which keeps the contract suite's hundreds of transactions fast.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages } from './debian.js';
import { systemClock } from '../../src/core/clock.js';
import { freePort } from './redis.js';

function log(message: string): void {
  process.stderr.write(`test/support/etcd: ${message}\n`);
}

function which(cmd: string): string | undefined {
  const res = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const path = res.stdout.trim();
  return res.status === 0 && path !== '' ? path : undefined;
}

/** Makes sure `etcd` is installed (installing Debian's `etcd-server` if not); returns its path. */
export function ensureEtcd(): string {
  const found = which('etcd');
  if (found !== undefined) return found;
  ensureDebianPackages('test/support/etcd', [{ path: '/usr/bin/etcd', pkg: 'etcd-server' }]);
  const path = which('etcd');
  if (path === undefined) throw new Error('etcd is still missing after installing etcd-server');
  log(`installed ${path}; the tests start their own servers on free ports`);
  return path;
}

/** GET /health once; true when etcd says it is healthy within `timeoutMs`. */
function healthOnce(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      timer.cancel();
      req.destroy();
      resolve(ok);
    };
    const timer = systemClock.setTimer(timeoutMs, () => finish(false), { unref: true });
    const req = get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => finish(res.statusCode === 200 && /"health"\s*:\s*"true"/.test(body)));
      res.on('error', () => finish(false));
    });
    req.on('error', () => finish(false));
  });
}

/** A running (or stopped) etcd owned by the test. */
export interface EtcdServer {
  readonly clientPort: number;
  readonly peerPort: number;
  /** `http://127.0.0.1:CLIENT_PORT`: what a client's `endpoints` takes. */
  readonly endpoint: string;
  /** The data directory (removed by `stop`). */
  readonly dataDir: string;
  /** Whether the process is running (it may be paused). */
  readonly running: boolean;
  /** SIGKILL, as a crash. Resolves when the process has exited. The data stays. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data (after `kill`); resolves when healthy. */
  start(): Promise<void>;
  /** SIGSTOP: holds its sockets, answers nothing. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** SIGTERM, waits for exit, removes the data directory. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a single-member etcd on free loopback ports and waits until it is healthy. */
export async function startEtcdServer(): Promise<EtcdServer> {
  const bin = ensureEtcd();
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dataDir = mkdtempSync(join(base, 'breakwater-etcd-'));
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  let child: ChildProcess | undefined;
  let paused = false;
  let removed = false;

  const exited = (c: ChildProcess): Promise<void> =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => c.once('exit', () => resolve()));

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    log(`starting ${bin} on ${client} (peer ${peer}, data ${dataDir})`);
    const c = spawn(
      bin,
      [
        '--name',
        'breakwater-test',
        '--data-dir',
        dataDir,
        '--listen-client-urls',
        client,
        '--advertise-client-urls',
        client,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        `breakwater-test=${peer}`,
        '--initial-cluster-state',
        'new',
        '--logger',
        'zap',
        '--log-level',
        'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    c.stderr?.on('data', (d: Buffer) =>
      process.stderr.write(`etcd[${clientPort}]: ${d.toString()}`),
    );
    child = c;
    c.once('exit', (code, signal) => {
      if (child === c) child = undefined;
      log(`etcd ${String(c.pid)} exited (${signal ?? `code ${String(code)}`})`);
    });
    for (let i = 0; i < 300; i++) {
      if (await healthOnce(clientPort, 500)) {
        log(`etcd ${String(c.pid)} is healthy on ${client}`);
        return;
      }
      if (child !== c) throw new Error(`etcd exited while starting on ${client}`);
      await systemClock.sleep(50);
    }
    c.kill('SIGKILL');
    throw new Error(`etcd did not become healthy on ${client}`);
  };

  const onExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', onExit);

  await start();
  return {
    clientPort,
    peerPort,
    endpoint: client,
    dataDir,
    get running() {
      return child !== undefined;
    },
    start,
    async kill() {
      const c = child;
      if (c === undefined) return;
      log(`killing etcd ${String(c.pid)} (SIGKILL)`);
      c.kill('SIGKILL');
      paused = false;
      await exited(c);
    },
    pause() {
      if (child === undefined || paused) return;
      log(`pausing etcd ${String(child.pid)} (SIGSTOP)`);
      child.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      if (child === undefined || !paused) return;
      log(`resuming etcd ${String(child.pid)} (SIGCONT)`);
      child.kill('SIGCONT');
      paused = false;
    },
    async stop() {
      const c = child;
      process.removeListener('exit', onExit);
      if (c !== undefined) {
        if (paused) c.kill('SIGCONT');
        log(`stopping etcd ${String(c.pid)}`);
        c.kill('SIGTERM');
        await exited(c);
      }
      if (!removed) {
        removed = true;
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
