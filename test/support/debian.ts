/**
 * @module
 * Installs the Debian packages a test needs when their binary is missing: `apt-get update`
 * once, then `apt-get install -y`. Every installer in test/support goes through here, under
 * ONE `flock`, because test files run in parallel and two `apt-get` processes at once fail on
 * dpkg's lock; `DPkg::Lock::Timeout` also waits for an apt run started outside the tests.
 * Progress goes to stderr (stdout may be the test runner's TAP stream).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INSTALL_LOCK = join(tmpdir(), 'breakwater-apt-install.lock');

/** A binary the tests need, and the Debian package that ships it. */
export interface DebianBinary {
  /** Absolute path of the binary, such as `/usr/bin/dig`. */
  readonly path: string;
  /** The package that installs it, such as `bind9-dnsutils`. */
  readonly pkg: string;
}

/**
 * Installs the packages of every binary in `wanted` that is missing. `who` names the caller
 * in the log line. Throws with the command to run by hand when the installation fails.
 */
export function ensureDebianPackages(who: string, wanted: readonly DebianBinary[]): void {
  const missing = wanted.filter((t) => !existsSync(t.path));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((t) => t.pkg))].join(' ');
  process.stderr.write(`${who}: installing ${pkgs} (apt-get update && apt-get install -y)\n`);
  const present = missing.map((t) => `test -x ${t.path}`).join(' && ');
  const script =
    `(${present}) || (apt-get -o DPkg::Lock::Timeout=600 update -qq && ` +
    `DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq ${pkgs})`;
  const res = spawnSync('flock', [INSTALL_LOCK, 'sh', '-c', script], { stdio: ['ignore', 2, 2] });
  const still = missing.filter((t) => !existsSync(t.path));
  if (res.error !== undefined || res.status !== 0 || still.length > 0) {
    const why = res.error !== undefined ? res.error.message : `exit code ${String(res.status)}`;
    throw new Error(
      `could not install ${pkgs} (${why}); install them with: apt-get install ${pkgs}`,
    );
  }
  process.stderr.write(`${who}: installed ${pkgs}\n`);
}
