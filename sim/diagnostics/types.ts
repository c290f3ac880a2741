/**
 * Diagnostics are data (after esbuild's logger and zod's issues): a code, the
 * key path in the document, a message, an optional hint and where in which
 * file. Formatting for people is a separate layer (format.ts).
 */

export type Severity = 'error' | 'warning';

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** The text of that source line, without its newline. */
  lineText: string;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable identifier, e.g. `unknown-service`; tests and users may key on it. */
  code: string;
  /** Key path from the document root, e.g. ['services', 'api', 'replicas']. */
  path: Array<string | number>;
  message: string;
  hint?: string;
  location?: SourceLocation;
}

/** Thrown by library entry points when input is bad; carries every diagnostic. */
export class DiagnosticError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ') || 'invalid input');
    this.name = 'DiagnosticError';
    this.diagnostics = diagnostics;
  }
}
