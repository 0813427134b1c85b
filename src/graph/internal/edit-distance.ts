/**
 * @module
 * "Did you mean…?" for misspelt keys and ids. Optimal string alignment distance (Levenshtein
 * plus transposition of two adjacent characters, after Damerau 1964), because the commonest
 * typos are one wrong, missing, extra or swapped letter (`dependOn`, `avialability`).
 */

/** Optimal string alignment distance between `a` and `b` (case-sensitive). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const w = b.length + 1;
  // Three rolling rows: the transposition step looks two rows back.
  let prev2 = new Int32Array(w);
  let prev = new Int32Array(w);
  let cur = new Int32Array(w);
  for (let j = 0; j < w; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j < w; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2]! + 1);
      }
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[w - 1]!;
}

/**
 * The candidate nearest to `word`, if it is near enough to be a plausible typo: at most a third
 * of the word's length away (at most 3 edits). Case differences count as half
 * an edit so that `OutageCostPerHour` finds `outageCostPerHour`; one-character words
 * only match up to case. Ties go to the earlier candidate.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const score = editDistance(lower, cl) + (cl === lower && c !== word ? 0.5 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  const limit = (word.length < 2 ? 0 : Math.min(3, Math.max(1, Math.floor(word.length / 3)))) + 0.5;
  return bestScore <= limit ? best : undefined;
}
