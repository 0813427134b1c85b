/**
 * @module
 * Shared benchmark plumbing: run each case in its own child process (so one library's JIT
 * state, timers or garbage cannot slow another's), take the median of several repetitions,
 * and print a table on stderr or one JSON document on stdout with `--json`.
 * Benchmarks measure real time; they are the only place allowed to (tests never do).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nanoseconds since an arbitrary origin (monotonic). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/**
 * Times `op` (an async no-op through some policy): calibrates how many sequential awaited calls
 * fill about `targetMs` (at least 1,000), warms up with that many, then takes `reps`
 * repetitions; returns the median ns per call.
 */
export async function timeAsync(
  op: () => Promise<unknown>,
  reps: number,
  targetMs = 150,
): Promise<number> {
  let iterations = 1_000;
  for (;;) {
    const t0 = nowNs();
    for (let i = 0; i < iterations; i++) await op();
    const ms = (nowNs() - t0) / 1e6;
    if (ms >= targetMs / 4 || iterations >= 1e7) {
      iterations = Math.max(1_000, Math.round((iterations * targetMs) / Math.max(ms, 1e-3)));
      break;
    }
    iterations *= 4;
  }
  for (let i = 0; i < iterations; i++) await op();
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = nowNs();
    for (let i = 0; i < iterations; i++) await op();
    samples.push((nowNs() - t0) / iterations);
  }
  return median(samples);
}

/**
 * Runs `script --case NAME` in a fresh Node process (with the tsx loader) and parses the last
 * stdout line as a number (ns per op).
 */
export function runCaseInChild(scriptUrl: string, name: string): number {
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(scriptUrl), '--case', name],
    { encoding: 'utf8' },
  );
  if (res.status !== 0) {
    throw new Error(`case ${name} failed (exit ${res.status}):\n${res.stderr}`);
  }
  const last = res.stdout.trim().split('\n').pop() ?? '';
  const value = Number(last);
  if (!Number.isFinite(value)) throw new Error(`case ${name} printed ${JSON.stringify(last)}`);
  return value;
}

/** A progress line on stderr (overwritten in place on a terminal). */
export function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${message}`);
  else process.stderr.write(`${message}\n`);
}

/** Ends a progress line. */
export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

/** Formats rows as an aligned text table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
