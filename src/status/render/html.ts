/**
 * @module
 * Escaping and formatting shared by the status page's renderers. Hand-written because it is
 * five lines: every value that reaches HTML goes through {@link escapeHtml}.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** `2025-10-20 07:11 UTC` for a wall-clock time in ms. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** ISO 8601 for the JSON API. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `99.95%`, or `–` for no data. */
export function formatPercent(v: number | undefined): string {
  return v === undefined ? '–' : `${(Math.floor(v * 10_000) / 100).toFixed(2)}%`;
}
