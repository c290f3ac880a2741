/** Where the CLI writes; tests pass a recorder, bin/ passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * `meshtax … | head`: when the reader closes the pipe, stop quietly, as
 * command-line tools do, instead of dying on an unhandled EPIPE.
 */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_OK);
    throw e;
  });
}

/** Exit codes: 0 success, 1 internal error, 2 bad input (with diagnostics). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;
