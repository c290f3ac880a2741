import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
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
export function writeAtomically(file: string, text: string): void {
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
    if (e instanceof Error && (e as NodeJS.ErrnoException).path === tmp) (e as NodeJS.ErrnoException).path = file;
    throw e;
  }
}
