import { closeSync, existsSync, openSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { makeDirs } from './makeDirs.js';

/**
 * Replaces the file's contents at once, making the directories on the way:
 * readers (a dashboard polling results.json, a browser reloading the
 * report) see the old file or the new one, never a half-written mix, and a
 * run killed mid-write leaves the previous file as it was. The new text is
 * written beside the file and renamed over it, so it is a new file: a hard
 * link to the old one keeps the old contents.
 */
export function writeAtomically(given: string, text: string): void {
  // A FIFO, a device (/dev/stdout), a process substitution's pipe: nothing to replace, and a
  // file renamed over it would take its place (its reader gets nothing). Write into it.
  const st = statOrNull(given);
  if (st && !st.isFile() && !st.isDirectory()) {
    try {
      writeFileSync(given, text);
    } catch (e) {
      // A failed write() names no path: name the user's, so the CLI can say what went wrong where.
      nameThePath(e, given, [given]);
      throw e;
    }
    return;
  }
  // A symlink is written through, as any program writing to it would: renamed over, the link
  // would become a file of its own and the file it points at keep the old contents (or, not
  // there yet, never be made).
  const file = st === null ? linkTarget(given) : st.isFile() ? realpathSync(given) : given;
  makeDirs(dirname(file));
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    // The user named `file`, not the temporary one beside it: explain the error by theirs.
    nameThePath(e, given, [tmp, file]);
    throw e;
  }
}

/**
 * The path a write to `path` lands on: through its symlinks, also to a file
 * not made yet (`latest.json -> runs/7.json` before run 7), which
 * realpath cannot resolve. Anything else — not a link, not there, a loop
 * (the write itself then says ELOOP) — is `path` as it is.
 */
export function linkTarget(path: string): string {
  let p = path;
  // Linux follows at most 40 links in a path; past that the write fails with ELOOP anyway.
  for (let hops = 0; hops < 40; hops++) {
    let next: string;
    try {
      next = readlinkSync(p);
    } catch {
      return p;
    }
    p = resolve(dirname(p), next);
  }
  return path;
}

/**
 * Every byte of `text`: write() may take only part of it (a disk filling
 * up), and a file renamed over the old one with its tail missing would be
 * reported as written.
 */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) {
    const n = writeSync(fd, bytes, done, bytes.length - done);
    // Nothing taken and no error: give up rather than spin (the caller removes the partial file).
    if (n <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    done += n;
  }
}

/** Puts `given` on a file-system error about one of `paths`, or about no path at all (a failed write() on a descriptor). */
function nameThePath(e: unknown, given: string, paths: readonly string[]): void {
  if (!(e instanceof Error)) return;
  const err = e as NodeJS.ErrnoException;
  if (err.code === undefined) return;
  if (err.path === undefined ? err.syscall !== undefined : paths.includes(err.path)) err.path = given;
}

/** What a path names, or null when it is not there or cannot be looked at (the write itself then says why). */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
