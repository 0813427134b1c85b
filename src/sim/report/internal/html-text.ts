/**
 * @module
 * Putting text into an HTML page safely. Everything the report shows comes from options a
 * caller built (labels, headings, numbers), so all of it goes through these helpers: text and
 * attribute values are entity-escaped, and data for the page's script is JSON inside a
 * `<script type="application/json">` element with every `<` written as `\u003c`, so no string
 * can close the element (`</script>`) or open a comment (`<!--`), whatever it contains.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` with `& < > " '` escaped: safe as element content and as a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/**
 * `value` as JSON safe inside a `<script>` element: `<` (and the line separators U+2028 and
 * U+2029, which older parsers treat as line ends) become `\u` escapes, which `JSON.parse`
 * reads back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Third-party script or style text, made safe to inline in a `<script>` or `<style>`
 * element: an occurrence of `</script` or `</style` (which would end the element early) gets
 * its slash escaped — `<\/script` means the same inside a JS string or regular expression.
 */
export function inlineSafe(code: string, element: 'script' | 'style'): string {
  const pattern = element === 'script' ? /<\/(script)/gi : /<\/(style)/gi;
  return code.replace(pattern, '<\\/$1');
}
