/**
 * Making user-supplied strings inert in a page. Topology, service, entry
 * point and mesh names, descriptions and sources are all user input: every
 * one goes through `escapeHtml` before it reaches markup (text or attribute),
 * and data handed to scripts goes through `jsonForScript`.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value for HTML and SVG (XML) alike: the five special characters as entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON that is safe inside a `<script>` element: `<` and `>` become \u003c
 * and \u003e, so no `</script>`, `<!--` or `<script` can appear in it and the
 * HTML parser never leaves the script (or enters its escaped states); `&`
 * and the JavaScript line separators are escaped for good measure. The
 * result parses back to the same value with JSON.parse.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
