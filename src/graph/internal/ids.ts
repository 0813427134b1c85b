/**
 * @module
 * Stable ordering for ids in results: plain code-unit order, so output is identical on every
 * machine and locale (localeCompare is not).
 */

/** Code-unit order of two strings. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lexicographic order of id lists, shorter first (cut sets by order, then by members). */
export function compareIdLists(a: readonly string[], b: readonly string[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const c = compareIds(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}
