/**
 * @module
 * A real Redis for the tests that need one: {@link startRedisServer} runs Debian's
 * `redis-server` on a free loopback port, in the foreground of a child process we own, with no
 * persistence, and can kill it (SIGKILL, like a crash), pause it (SIGSTOP: a server that is
 * there but never answers), resume it and start it again on the same port. Everything it does
 * is logged to stderr (stdout may be a test runner's TAP stream).
 *
 * When `redis-server` is missing it installs Debian's package (`apt-get update && apt-get
 * install -y redis-server`) once, under `flock`, so parallel test files do not race for dpkg's
 * lock — as `browser.ts` does for Chromium.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { ensureDebianPackages } from './debian.js';
import { systemClock } from '../../src/core/clock.js';

function log(message: string): void {
  process.stderr.write(`test/support/redis: ${message}\n`);
}

function which(cmd: string): string | undefined {
  const res = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const path = res.stdout.trim();
  return res.status === 0 && path !== '' ? path : undefined;
}

/** Makes sure `redis-server` is installed (installing Debian's package if not); returns its path. */
export function ensureRedisServer(): string {
  const found = which('redis-server');
  if (found !== undefined) return found;
  ensureDebianPackages('test/support/redis', [
    { path: '/usr/bin/redis-server', pkg: 'redis-server' },
  ]);
  const path = which('redis-server');
  if (path === undefined)
    throw new Error('redis-server is still missing after installing redis-server');
  if (existsSync('/etc/init.d/redis-server')) {
    // The package may start its own service; the tests use only the servers they start.
    log('installed; the tests start their own servers on free ports');
  }
  return path;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race with other programs remains). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Sends PING over a raw socket; true on `+PONG` within `timeoutMs`. */
function pingOnce(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: '127.0.0.1' });
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      timer.cancel();
      sock.destroy();
      resolve(ok);
    };
    const timer = systemClock.setTimer(timeoutMs, () => finish(false), { unref: true });
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => finish(d.toString().startsWith('+PONG')));
    sock.once('error', () => finish(false));
  });
}

/** A running (or stopped) redis-server owned by the test. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** Whether the process is running (it may be paused). */
  readonly running: boolean;
  /** Starts it again on the same port (after `kill` or `stop`), empty. */
  start(): Promise<void>;
  /** SIGKILL, as a crash: connections drop at once. Resolves when the process has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets but answers nothing (a stalled server). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** SIGTERM (after resuming a paused server); resolves when it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Starts redis-server on a free loopback port and waits until it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const bin = ensureRedisServer();
  const port = await freePort();
  let child: ChildProcess | undefined;
  let paused = false;

  const exited = (c: ChildProcess): Promise<void> =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => c.once('exit', () => resolve()));

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    log(`starting ${bin} on 127.0.0.1:${port}`);
    const c = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    c.stderr?.on('data', (d: Buffer) =>
      process.stderr.write(`redis-server[${port}]: ${d.toString()}`),
    );
    child = c;
    c.once('exit', () => {
      if (child === c) child = undefined;
    });
    for (let i = 0; i < 250; i++) {
      if (await pingOnce(port, 200)) {
        log(`redis-server ${String(c.pid)} answers on port ${port}`);
        return;
      }
      if (child !== c) throw new Error(`redis-server exited while starting on port ${port}`);
      await systemClock.sleep(20);
    }
    c.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port}`);
  };

  const onExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', onExit);

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    start,
    async kill() {
      const c = child;
      if (c === undefined) return;
      log(`killing redis-server ${String(c.pid)} (SIGKILL)`);
      c.kill('SIGKILL');
      paused = false;
      await exited(c);
    },
    pause() {
      if (child === undefined || paused) return;
      log(`pausing redis-server ${String(child.pid)} (SIGSTOP)`);
      child.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      if (child === undefined || !paused) return;
      log(`resuming redis-server ${String(child.pid)} (SIGCONT)`);
      child.kill('SIGCONT');
      paused = false;
    },
    async stop() {
      const c = child;
      process.removeListener('exit', onExit);
      if (c === undefined) return;
      if (paused) c.kill('SIGCONT');
      log(`stopping redis-server ${String(c.pid)}`);
      c.kill('SIGTERM');
      await exited(c);
    },
  };
}
