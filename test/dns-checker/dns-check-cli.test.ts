/**
 * `breakwater dns check`: the JSON document's exact shape, exit codes (0 clean, 1 a
 * violation, 2 bad flags), and the rule that with `--json` stdout holds nothing but the
 * document while progress goes to stderr.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { isUsageError } from '../../src/cli/usage-error.js';
import { DNS_CHECK_HELP, runDnsCheck } from '../../src/cli/commands/dns-check.js';
import { captureIo } from './capture-io.js';

const KEYS = ['mode', 'seeds', 'violations', 'firstViolationSeed', 'invariants', 'seedsPerSecond'];

describe('runDnsCheck', () => {
  it('prints exactly one JSON document of the documented shape, and exits 1 on a violation', async () => {
    const c = captureIo();
    const code = await runDnsCheck(
      ['--mode', 'legacy', '--seeds', '40', '--json', '--workers', '0'],
      c.io,
    );
    assert.equal(code, 1);
    const lines = c.stdout().split('\n');
    assert.deepEqual(lines.slice(1), [''], 'one line, then nothing');
    const doc = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), KEYS);
    assert.deepEqual(Object.keys(doc['invariants'] as object), ['I1', 'I2', 'I3', 'I4', 'I5']);
    assert.equal(doc['mode'], 'legacy');
    assert.equal(doc['seeds'], 40);
    assert.ok((doc['violations'] as number) > 0);
    assert.equal(typeof doc['firstViolationSeed'], 'number');
    assert.ok((doc['seedsPerSecond'] as number) > 0);
    assert.match(c.stderr(), /dns check legacy: 100% — 40\/40 seeds/);
  });

  it('exits 0 and reports firstViolationSeed null when every invariant held', async () => {
    const c = captureIo();
    const code = await runDnsCheck(['--seeds', '6', '--json', '--workers', '0'], c.io);
    assert.equal(code, 0);
    const doc = JSON.parse(c.stdout()) as Record<string, unknown>;
    assert.deepEqual(
      { ...doc, seedsPerSecond: 0 },
      {
        mode: 'safe',
        seeds: 6,
        violations: 0,
        firstViolationSeed: null,
        invariants: { I1: 0, I2: 0, I3: 0, I4: 0, I5: 0 },
        seedsPerSecond: 0,
      },
    );
  });

  it('prints a readable report with the timeline of the first breaking seed', async () => {
    const c = captureIo();
    const code = await runDnsCheck(['--mode', 'legacy', '--seeds', '10', '--workers', '0'], c.io);
    assert.equal(code, 1);
    const out = c.stdout();
    assert.match(out, /^breakwater dns check: mode legacy, seeds 1–10, in one thread\n/);
    assert.match(out, /violations: \d+ of 10 seeds \(I1 \d+, I2 \d+, I3 \d+, I4 0, I5 \d+\)/);
    assert.match(out, /replay: breakwater dns check --mode legacy --seed \d+/);
    assert.match(out, /timeline \(the last \d+ steps up to the first violation\):/);
    assert.match(out, / !! I2 /);
  });

  it('replays one seed with --seed and --json: the JSON on stdout, the timeline on stderr', async () => {
    const c = captureIo();
    const code = await runDnsCheck(['--seed', '5', '--json'], c.io);
    assert.equal(code, 0);
    const doc = JSON.parse(c.stdout()) as Record<string, unknown>;
    assert.equal(doc['seeds'], 1);
    assert.match(c.stderr(), /replaying seed 5/);
  });

  it('prints its help', async () => {
    const c = captureIo();
    assert.equal(await runDnsCheck(['--help'], c.io), 0);
    assert.equal(c.stdout(), DNS_CHECK_HELP);
  });

  it('throws a UsageError naming the flag for bad flags', async () => {
    const cases: [string[], RegExp][] = [
      [['--mode', 'fast'], /--mode must be 'safe' or 'legacy', got 'fast'/],
      [['--seeds', '0'], /--seeds must be an integer from 1 to/],
      [['--seeds', 'many'], /--seeds must be an integer/],
      [['--seed', '1.5'], /--seed must be an integer/],
      [['--workers', '65'], /--workers must be an integer from 0 to 64, got '65'/],
      [['--workers', '-1'], /--workers/],
      [['--seeds', '3', '--seed', '4'], /not both/],
      [['--frobnicate'], /unknown flag '--frobnicate'/],
      [['--seeds'], /--seeds/],
      [['extra'], /unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) {
      await assert.rejects(
        runDnsCheck(argv, captureIo().io),
        (e: unknown) => isUsageError(e) && message.test((e as Error).message),
        argv.join(' '),
      );
    }
  });

  it('exits 2 for bad flags through `breakwater dns check`', async () => {
    const c = captureIo();
    assert.equal(await main(['dns', 'check', '--mode', 'fast'], c.io), 2);
    assert.match(c.stderr(), /--mode must be 'safe' or 'legacy'/);
    assert.equal(c.stdout(), '');
  });
});
