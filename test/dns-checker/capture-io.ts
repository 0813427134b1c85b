/** A `CommandIo` that records what a command writes, for the checker's CLI tests. */
import type { CommandIo } from '../../src/cli/command.js';

/** The io, and what was written to each stream. */
export function captureIo(): { io: CommandIo; stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      cwd: process.cwd(),
    },
    stdout: () => out,
    stderr: () => err,
  };
}
