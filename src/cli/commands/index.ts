/**
 * @module
 * Every `breakwater` subcommand, in the order `--help` lists them. Add a command by writing
 * `src/cli/commands/<name>.ts` and one line here.
 */
import type { Command } from '../command.js';
import { dnsCommand } from './dns.js';
import { graphCommand } from './graph.js';
import { replayCommand } from './replay.js';
import { statusCommand } from './status.js';
import { upCommand } from './up.js';

/** All subcommands. */
export const commands: readonly Command[] = [
  dnsCommand,
  graphCommand,
  replayCommand,
  statusCommand,
  upCommand,
];
