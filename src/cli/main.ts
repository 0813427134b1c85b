#!/usr/bin/env node
/**
 * @module
 * The `breakwater` command: dispatches to the subcommands in `src/cli/commands/`.
 * Exit codes: 0 success, 1 failure, 2 usage error (DESIGN.md, "Contracts").
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandIo } from './command.js';
import { commands } from './commands/index.js';
import { isUsageError } from './usage-error.js';
import { packageVersion } from './version.js';

function overview(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const lines = [
    'breakwater — resilience, a race-free DNS control plane, simulation and dependency analysis',
    '',
    'usage: breakwater <command> [options]',
    '       breakwater <command> --help',
    '       breakwater --version',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'library: import from "breakwater/resilience" — retry with jitter and a retry budget,',
    '  circuit breaker, timeout, bulkhead, bounded work queue (TTL, priorities, fresh-first),',
    '  rate limiter with a recovery ramp, adaptive concurrency, stale-if-error cache,',
    '  degradation levels and a pipeline that composes them. See README.md.',
  ];
  return lines.join('\n') + '\n';
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(overview());
    return 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === first);
  if (command === undefined) {
    io.stderr.write(`breakwater: unknown command '${first}'\n\n${overview()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isUsageError(err)) {
      io.stderr.write(`breakwater ${command.name}: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr.write(`breakwater ${command.name}: ${message}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CommandIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`breakwater: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
