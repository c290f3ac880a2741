/**
 * Errors across a thread boundary. Structured cloning keeps an Error's
 * message and stack but not its class or its own fields, so a
 * SimulationAbort (with its hint) or a DiagnosticError (with its
 * diagnostics) thrown in a worker would reach the CLI as a bare Error and be
 * reported as an internal error with a stack trace. The worker sends this
 * plain description instead, and the main thread rebuilds the same class,
 * so the CLI reports it exactly as it does when the run happens in-process.
 */
import { DiagnosticError, type Diagnostic } from '../diagnostics/types.js';
import { SimulationAbort } from '../model/simulation.js';
import type { AbortReason } from '../model/outcome.js';

export type SerializedError =
  | { kind: 'abort'; message: string; hint: string; reason: AbortReason }
  | { kind: 'diagnostics'; diagnostics: Diagnostic[] }
  | { kind: 'error'; name: string; message: string; stack?: string };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof SimulationAbort) return { kind: 'abort', message: e.message, hint: e.hint, reason: e.reason };
  if (e instanceof DiagnosticError) return { kind: 'diagnostics', diagnostics: e.diagnostics };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'error', name: err.name, message: err.message, stack: err.stack };
}

export function reviveError(s: SerializedError): Error {
  if (s.kind === 'abort') return new SimulationAbort(s.message, s.hint, s.reason);
  if (s.kind === 'diagnostics') return new DiagnosticError(s.diagnostics);
  const err = new Error(s.message);
  err.name = s.name;
  // The worker's stack says where it went wrong; --debug prints it.
  if (s.stack !== undefined) err.stack = s.stack;
  return err;
}
