#!/usr/bin/env node
// The full sweep of the DNS checker: 100,000 seeds in safe mode (DESIGN.md's target: zero
// violations). Too long for CI (CI runs 2,000 seeds in test/dns-checker/); run it by hand
// before a release or after touching src/dns/:
//
//   node scripts/dns-check-full.mjs                 # safe mode, seeds 1–100000, human report
//   node scripts/dns-check-full.mjs --json          # one JSON document on stdout
//   node scripts/dns-check-full.mjs --seeds 500000  # any `breakwater dns check` flag passes on
//
// It runs `breakwater dns check` from source (with the tsx loader), so it needs no build.
// Progress goes to stderr; the exit code is the command's (0: no violation).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flags = [
  ...(args.some((a) => a === '--mode' || a.startsWith('--mode=')) ? [] : ['--mode', 'safe']),
  ...(args.some((a) => a.startsWith('--seed')) ? [] : ['--seeds', '100000']),
  ...args,
];
const entry = new URL('../src/cli/commands/dns-check.ts', import.meta.url).href;
const program = `
import { runDnsCheck } from ${JSON.stringify(entry)};
const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
runDnsCheck(JSON.parse(process.env.DNS_CHECK_ARGS), io).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(String(err && err.message || err) + '\\n'); process.exitCode = err && err.code === 'BW_USAGE' ? 2 : 1; },
);`;
process.stderr.write(`dns-check-full: breakwater dns check ${flags.join(' ')}\n`);
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--input-type=module', '--eval', program],
  { cwd: root, stdio: 'inherit', env: { ...process.env, DNS_CHECK_ARGS: JSON.stringify(flags) } },
);
process.exit(res.status ?? 1);
