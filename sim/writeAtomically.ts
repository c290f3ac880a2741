import { closeSync, existsSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
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
    writeFileSync(given, text);
    return;
  }
  // A symlink is written through, as any program writing to it would: renamed over, the link
  // would become a file of its own and the file it points at keep the old contents.
  const file = st?.isFile() ? realpathSync(given) : given;
  makeDirs(dirname(file));
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    // The user named `file`, not the temporary one beside it: explain the error by theirs.
    if (e instanceof Error && [tmp, file].includes((e as NodeJS.ErrnoException).path ?? '')) (e as NodeJS.ErrnoException).path = given;
    throw e;
  }
}

/** What a path names, or null when it is not there or cannot be looked at (the write itself then says why). */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
