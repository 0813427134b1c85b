import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { main } from './main.js';
import { packageVersion } from './version.js';

function capture(): { io: Parameters<typeof main>[1]; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      cwd: process.cwd(),
    },
    out: () => out,
    err: () => err,
  };
}

describe('breakwater CLI', () => {
  it('--help lists what it can do', async () => {
    const c = capture();
    assert.equal(await main(['--help'], c.io), 0);
    assert.match(c.out(), /usage: breakwater/);
    assert.match(c.out(), /breakwater\/resilience/);
  });

  it('--version prints the package version', async () => {
    const c = capture();
    assert.equal(await main(['--version'], c.io), 0);
    assert.equal(c.out().trim(), packageVersion());
    assert.match(packageVersion(), /^\d+\.\d+\.\d+/);
  });

  it('an unknown command is a usage error (exit 2) naming the command', async () => {
    const c = capture();
    assert.equal(await main(['frobnicate'], c.io), 2);
    assert.match(c.err(), /unknown command 'frobnicate'/);
  });
});
