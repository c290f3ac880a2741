import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';

/** Bytes a topology, mesh profile or sweep file may have: 64 MiB is far past any a person writes (10,000 services take about 1 MiB). */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

/**
 * Bytes a results file may have: past this, its text cannot be made into a
 * JavaScript string at all. A results file that is not a regular file (a
 * pipe, a device) is held to MAX_SOURCE_BYTES instead, so a symlink to
 * /dev/zero is refused in a moment, not after half a gigabyte.
 */
export const MAX_RESULTS_BYTES = bufferConstants.MAX_STRING_LENGTH;

/** A size in words: "64 MiB". */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

export type CappedRead = { bytes: Buffer; tooLarge?: undefined } | { bytes?: undefined; tooLarge: number };

/**
 * The bytes of a file, or the cap it is larger than: `max` for a regular
 * file, `maxUnsized` for anything else.
 * readFileSync reads a device or a pipe (a symlink to /dev/zero, say) until
 * it ends, which it may never do: this reads a regular file only when its
 * size is within the cap, and anything else in chunks, stopping one byte past
 * the cap. Errors of opening or reading (ENOENT, EISDIR, EACCES) are thrown
 * as readFileSync throws them.
 */
export function readCapped(path: string, max: number, maxUnsized: number = max): CappedRead {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY);
  } catch (e) {
    // Opened to read: said so, or a file that cannot be read is reported as one that cannot be written.
    const err = e as NodeJS.ErrnoException;
    if (err.syscall === 'open') err.syscall = 'read';
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) max = Math.min(max, maxUnsized);
    else if (st.size > max) return { tooLarge: max };
    const chunks: Buffer[] = [];
    let total = 0;
    // A regular file's size is known: a buffer of that (and a byte to see it did not grow), not 1 MiB for a
    // 2 KB profile — a sweep reads one a point, and the megabytes were a quarter of its planning in GC.
    const first = st.isFile() ? Math.min(st.size + 1, max + 1) : 1024 * 1024;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(chunks.length === 0 ? first : 1024 * 1024, max + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) return { tooLarge: max };
    }
    return { bytes: Buffer.concat(chunks, total) };
  } finally {
    closeSync(fd);
  }
}
