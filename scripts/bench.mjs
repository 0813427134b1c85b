#!/usr/bin/env node
// `npm run bench -- NAME [args]` runs bench/NAME.ts (with tsx) and passes the args on, e.g.
// `npm run bench -- resilience --json`. With no NAME it lists the benchmarks.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const names = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.includes('.test.') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (name === undefined || !names.includes(name)) {
  if (name !== undefined) console.error(`bench: no benchmark named '${name}'`);
  console.error(
    `usage: npm run bench -- NAME [--json]\nbenchmarks: ${names.join(', ') || '(none)'}`,
  );
  process.exit(name === undefined ? 0 : 2);
}
const res = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...args], {
  stdio: 'inherit',
});
process.exit(res.status ?? 1);
