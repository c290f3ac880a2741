/**
 * A diagnostic before it has a source location: the validation phases work on
 * plain values and know paths, not lines; load.ts adds the location.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import type { Anchor, Path } from './locate.js';

export interface Problem extends Omit<Diagnostic, 'location'> {
  /** Point at the key rather than its value (an unknown key, say). */
  anchor?: Anchor;
  /** Point at this path instead of `path` (a key that a mode demands: at the mode). */
  at?: Path;
}

export function error(code: string, path: Path, message: string, hint?: string, anchor?: Anchor): Problem {
  return make('error', code, path, message, hint, anchor);
}

export function warning(code: string, path: Path, message: string, hint?: string, anchor?: Anchor): Problem {
  return make('warning', code, path, message, hint, anchor);
}

function make(severity: Problem['severity'], code: string, path: Path, message: string, hint: string | undefined, anchor: Anchor | undefined): Problem {
  const problem: Problem = { severity, code, path, message };
  if (hint !== undefined) problem.hint = hint;
  if (anchor !== undefined) problem.anchor = anchor;
  return problem;
}
