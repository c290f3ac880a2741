/**
 * The one printer for diagnostics (after esbuild's logger): a header line
 * `file:line:column: severity[code]: path: message`, the source line with a
 * caret under the column, and the hint.
 */
import type { Diagnostic } from './types.js';

const MIN_GUTTER = 4;
/** Characters of a source line shown at most. */
const MAX_EXCERPT = 100;

/** `services.api.calls[0].call`; keys that are not plain names are quoted: `services["a.b"]`. */
/**
 * A string quoted as JSON, with DEL, the C1 controls, the bidirectional controls and the characters that print as
 * nothing escaped too (JSON leaves them raw: a terminal acts on some, a right-to-left override shows the rest of the
 * line reversed, and a zero-width space would be named in a message without a trace of it).
 */
export function quoted(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${quoted(segment)}]`;
  }
  return out;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}: ` : '';
  // A command-line option's message names the option itself.
  const path = typeof d.path[0] === 'string' && d.path[0].startsWith('-') ? '' : formatPath(d.path);
  const lines = [`${where}${d.severity}[${d.code}]: ${path === '' ? '' : `${path}: `}${d.message}`];
  // A blank line (an empty file, the end of the file) makes a frame with nothing to point at.
  if (d.location && d.location.lineText.trim() !== '') {
    const { line, column, lineText } = d.location;
    const width = Math.max(MIN_GUTTER, String(line).length);
    // Tabs would shift the caret by an unknown amount; one column each keeps it aligned.
    // Control characters (ESC, BEL, NUL … of a binary or hostile file) would act on the terminal, and bidirectional
    // controls reorder what follows them: one visible column each.
    const full = lineText.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
    // A very long line (minified JSON, a generated file) shows as a window around the column.
    const start = full.length > MAX_EXCERPT ? Math.max(0, Math.min(column - 1 - MAX_EXCERPT / 2, full.length - MAX_EXCERPT)) : 0;
    const end = Math.min(full.length, start + MAX_EXCERPT);
    const before = start > 0 ? '…' : '';
    const text = `${before}${full.slice(start, end)}${end < full.length ? '…' : ''}`;
    lines.push(` ${String(line).padStart(width)} | ${text}`.trimEnd());
    lines.push(` ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1 - start + before.length))}^`);
  }
  if (d.hint !== undefined) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

/** Every diagnostic, a blank line apart, then a count such as `2 errors, 1 warning`; no final newline. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const count = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  return [...diagnostics.map(formatDiagnostic), count].join('\n\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
