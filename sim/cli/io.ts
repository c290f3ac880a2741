import { accessSync, closeSync, constants, existsSync, openSync, rmdirSync, unlinkSync } from 'node:fs';
import { makeDirs } from '../makeDirs.js';
import { linkTarget, statOrNull } from '../writeAtomically.js';
import { fileIdentity } from '../fileIdentity.js';
import { dirname, extname } from 'node:path';
import { DiagnosticError, type Diagnostic } from '../diagnostics/types.js';

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

/** What a person can do about a file-system error: the path it names was the user's to choose. */
const FS_REASONS: Record<string, [string, string]> = {
  EISDIR: ['it is a directory', 'name a file inside it'],
  ENOTDIR: ['a part of the path is a file, not a directory', 'check the path'],
  ENOENT: ['a directory on the way does not exist or cannot hold files', 'check the path'],
  EACCES: ['permission denied', 'choose a place you can write to, e.g. out/'],
  EPERM: ['operation not permitted', 'choose a place you can write to, e.g. out/'],
  EROFS: ['the file system is read-only', 'choose a place you can write to, e.g. out/'],
  ENOSPC: ['no space left on the device', 'free some space or write elsewhere'],
  EEXIST: ['something else is in the way', 'check the path'],
};

/**
 * A file-system error on a path the user gave (-o, --report, --charts …),
 * as a message and a hint; null for anything else, which stays an internal
 * error.
 */
export function fileSystemProblem(e: unknown): { message: string; hint: string } | null {
  if (!(e instanceof Error)) return null;
  const { code, syscall, path } = e as NodeJS.ErrnoException;
  if (code === undefined || path === undefined || syscall === undefined) return null;
  const reason = FS_REASONS[code];
  const verb = verbOf(syscall);
  const denied = code === 'EACCES' || code === 'EPERM';
  return {
    message: `cannot ${verb} ${JSON.stringify(path)}: ${reason ? reason[0] : code}`,
    hint: verb === 'read' && denied ? 'check the file\'s permissions, or copy it somewhere you can read it' : reason ? reason[1] : 'check the path',
  };
}

/** Whether a failed system call was reading the path or writing it. */
function verbOf(syscall: string): 'read' | 'write' {
  return syscall === 'scandir' || syscall === 'read' || syscall === 'stat' ? 'read' : 'write';
}

/**
 * fileSystemProblem as a diagnostic, printed as a topology that cannot be
 * read is (`error[file-unreadable]: cannot read "x": …`, its hint, the
 * count): an output that cannot be written was told apart by a format of
 * its own.
 */
export function fileSystemDiagnostic(e: unknown): Diagnostic | null {
  const problem = fileSystemProblem(e);
  if (problem === null) return null;
  const code = verbOf((e as NodeJS.ErrnoException).syscall as string) === 'read' ? 'file-unreadable' : 'file-unwritable';
  return { severity: 'error', code, path: [], ...problem };
}

/**
 * Throws now, as the file-system error `fileSystemProblem` explains, what
 * writing `file` would throw after the simulation: so a long run is not
 * lost at its end to a typo in -o. Opens the file for appending (creating
 * the directories the write would) and removes it again if it was not there.
 */
export function checkWritableFile(file: string): void {
  // A FIFO or a device (-o /dev/stdout): opening it would wait for a reader, or close the
  // stream on it before the results come. Asking is enough.
  const st = statOrNull(file);
  if (st && !st.isFile() && !st.isDirectory()) {
    accessSync(file, constants.W_OK);
    return;
  }
  // Through a symlink to a file not made yet, the probe is the file it would make: removing the
  // path given would remove the user's link and leave an empty file where it pointed.
  const target = linkTarget(file);
  const existed = existsSync(target);
  const made = makeDirs(dirname(target));
  try {
    closeSync(openSync(target, 'a'));
    if (!existed) unlinkSync(target);
  } catch (e) {
    // The user named the link: explain the error by it.
    if (e instanceof Error && (e as NodeJS.ErrnoException).path === target) (e as NodeJS.ErrnoException).path = file;
    throw e;
  } finally {
    // Nothing is left behind by the check: a run refused later must not leave new directories.
    removeDirs(made);
  }
}

function removeDirs(made: readonly string[]): void {
  for (const d of [...made].reverse()) rmdirSync(d);
}

/** checkWritableFile for a directory of files to come (--charts). */
export function checkWritableDir(dir: string): void {
  const made = makeDirs(dir);
  const probe = `${dir}/.meshtax-write-check`;
  try {
    closeSync(openSync(probe, 'a'));
    unlinkSync(probe);
  } catch (e) {
    // The user named the directory, not the probe inside it: explain the error by theirs.
    if (e instanceof Error && (e as NodeJS.ErrnoException).path === probe) (e as NodeJS.ErrnoException).path = dir;
    throw e;
  } finally {
    removeDirs(made);
  }
}

/** A path a command reads or writes, and how the user named it (`the topology file`, `-o`). */
export interface NamedPath {
  path: string | undefined;
  what: string;
  /** An HTML page is written there (--report, report's -o): a data file's extension is refused. */
  html?: boolean;
}

/** Extensions of the data files meshtax writes and reads: an HTML page under one would be read as data later. */
const DATA_EXTENSION = /\.(json|ndjson|jsonl|csv|ya?ml)$/i;

/**
 * Refuses outputs that would overwrite an input or each other (`-o` naming
 * the topology file, `--report` the same file as `-o`): the second write
 * would destroy the first, or the input, without a word. Throws a
 * DiagnosticError before anything runs.
 */
export function checkDistinctPaths(inputs: readonly NamedPath[], outputs: readonly NamedPath[]): void {
  const problems: Diagnostic[] = [];
  const seen: Array<{ id: string; named: NamedPath; input: boolean }> = [];
  for (const named of inputs) if (named.path !== undefined) seen.push({ id: fileIdentity(named.path), named, input: true });
  for (const named of outputs) {
    if (named.path === undefined) continue;
    // `--csv "$OUT"` with OUT unset: a truthiness test downstream took "" for "not given" and wrote nothing, without a word.
    if (named.path === '') {
      const kind = named.what === '--charts' ? 'directory' : 'file';
      problems.push({
        severity: 'error', code: 'bad-option', path: [named.what],
        message: `${named.what} "": an empty name where a ${kind} belongs`,
        hint: `give ${named.what} a ${kind} name (an unset shell variable, as in ${named.what} "$OUT", gives an empty one)`,
      });
      continue;
    }
    // Not standard output: every output here is a file, and "-" would be one called "-".
    if (named.path === '-') {
      problems.push({
        severity: 'error', code: 'bad-option', path: [named.what],
        message: `${named.what} -: ${named.what} takes a file name; "-" would be a file called "-", not standard output`,
        hint: named.what === '-o' ? 'give -o a file name; run and compare print their results when -o is left out' : `give ${named.what} a file name`,
      });
      continue;
    }
    // `-o --json`, `-o -q`: the option parser takes the next word as the file, whatever it is,
    // and the run would write a file called "--json" and drop the flag without a word.
    if (named.what.startsWith('-') && named.path.length > 1 && named.path.startsWith('-')) {
      problems.push({
        severity: 'error', code: 'bad-option', path: [named.what],
        message: `${named.what} ${JSON.stringify(named.path)}: looks like an option, not a file name: ${named.what} takes the word after it as its file`,
        hint: `write the file name right after ${named.what}; a file whose name starts with "-" can be given as ./${named.path}`,
      });
      continue;
    }
    const ext = DATA_EXTENSION.exec(named.path)?.[0];
    const dataNamedPage = (named.html === true || named.what === '--report') && ext !== undefined;
    if (dataNamedPage) {
      // `--report r.json` wrote a page a later `meshtax report r.json` refused as results that are not JSON.
      problems.push({
        severity: 'error', code: 'bad-option', path: [named.what],
        message: `${named.what} ${JSON.stringify(named.path)}: ${named.what} writes an HTML page, not ${ext.slice(1).toUpperCase()}`,
        hint: `name the page .html, for example ${htmlName(named.path, ext)}${named.what === '--report' ? '; the results themselves go to -o' : ''}`,
      });
    }
    const id = fileIdentity(named.path);
    const clash = seen.find((s) => s.id === id);
    if (clash) {
      problems.push({
        severity: 'error', code: 'same-path', path: [named.what],
        message: clash.input
          ? `${named.what} ${JSON.stringify(named.path)} is ${clash.named.what}: writing it would destroy the input`
          : `${named.what} ${JSON.stringify(named.path)} is the same file as ${clash.named.what}: one would overwrite the other`,
        // --charts names a directory: a file's name with -2 before its extension would be no example of one.
        hint: named.what === '--charts'
          ? `give --charts a directory of its own, for example ${named.path.slice(0, named.path.length - extname(named.path).length)}-charts`
          // A page under a data file's name (`--report r.ndjson -o r.ndjson`): `r-2.ndjson` would be
          // refused in turn for its extension, so both hints name the one page name that works.
          : `give ${named.what} a file of its own, for example ${dataNamedPage ? htmlName(named.path, ext) : suggestion(named.path)}`,
      });
    }
    seen.push({ id, named, input: false });
  }
  if (problems.length > 0) throw new DiagnosticError(problems);
}

/** `out/r.ndjson` (its data extension `.ndjson`) → `out/r.html`. */
function htmlName(path: string, ext: string): string {
  return `${path.slice(0, -ext.length)}.html`;
}

/** `out/results.json` → `out/results-2.json`. */
function suggestion(path: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-2${ext}`;
}

