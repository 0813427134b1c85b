/**
 * @module
 * Wall-clock times of the replay. The simulated window runs from 23:30 PDT on 2025-10-19 to
 * 16:00 PDT on 2025-10-20 (PDT = UTC−7), the span of AWS's post-event summary. Inside the
 * models time is seconds since the window's start (a plain number that is cheap to compare);
 * these helpers turn published clock times ("02:25") into window seconds and back.
 */

/** Start of the window, ms since the Unix epoch: 2025-10-19 23:30 PDT = 2025-10-20 06:30 UTC. */
export const WINDOW_START_EPOCH_MS = Date.UTC(2025, 9, 20, 6, 30, 0);

/** Length of the window, seconds: 23:30 → 16:00 is 16 h 30 min. */
export const WINDOW_SECONDS = 16.5 * 3600;

/** Minutes of the window (one metrics bucket each). */
export const WINDOW_MINUTES = WINDOW_SECONDS / 60;

/** Seconds from 23:30 PDT (the window start) to midnight PDT. */
const MIDNIGHT_OFFSET_SECONDS = 30 * 60;

/**
 * Window seconds of a PDT clock time `HH:MM` (or `HH:MM:SS`). Times from 23:30 to 23:59 are on
 * Oct 19, every other time on Oct 20. Throws a RangeError naming the text when malformed.
 */
export function pdt(clock: string): number {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(clock);
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  const s = Number(m?.[3] ?? 0);
  if (m === null || h > 23 || min > 59 || s > 59) {
    throw new RangeError(`pdt: expected a time HH:MM or HH:MM:SS, got '${clock}'`);
  }
  const sinceMidnight = h * 3600 + min * 60 + s;
  // 23:30–23:59 belong to the evening before; everything else to the morning after.
  return h === 23 && min >= 30
    ? sinceMidnight - 24 * 3600 + MIDNIGHT_OFFSET_SECONDS
    : sinceMidnight + MIDNIGHT_OFFSET_SECONDS;
}

/** `HH:MM` (PDT) of window second `t`, rounded down to the minute. */
export function formatPdt(t: number): string {
  const sinceMidnight = Math.floor(t) - MIDNIGHT_OFFSET_SECONDS;
  const day = 24 * 3600;
  const s = ((sinceMidnight % day) + day) % day;
  const h = Math.floor(s / 3600);
  const min = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** Hours since midnight PDT of window second `t` (negative before midnight): the charts' x. */
export function hoursOfDay(t: number): number {
  return (t - MIDNIGHT_OFFSET_SECONDS) / 3600;
}
