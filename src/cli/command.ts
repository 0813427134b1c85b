/**
 * @module
 * The shape of a CLI command. Each command lives in `src/cli/commands/<name>.ts` and is listed
 * once in `src/cli/commands/index.ts`. Commands write results to `io.stdout` (with `--json`,
 * exactly one JSON document) and everything else — progress, logs — to `io.stderr`.
 */

/** Where a command writes; injectable so tests capture output without spawning a process. */
export interface CommandIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  /** The working directory relative paths resolve against. */
  readonly cwd: string;
}

/** A `breakwater` subcommand. */
export interface Command {
  /** The word after `breakwater`, such as `graph`. */
  readonly name: string;
  /** One line for `breakwater --help`. */
  readonly summary: string;
  /** Full help text for `breakwater NAME --help`. */
  readonly help: string;
  /**
   * Runs the command with the arguments after its name. Resolves to the exit code. Throws
   * `UsageError` for bad input (exit 2); any other error is a failure (exit 1).
   */
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}
