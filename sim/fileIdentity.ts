import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * What a path names, whatever its spelling (relative, `..`, a symlink, a
 * hard link): for a file that exists, its device and inode; for a file not
 * there yet, its directory's real path and its name. For telling whether
 * two paths are one file.
 */
export function fileIdentity(path: string): string {
  const full = resolve(path);
  try {
    const st = statSync(full);
    return `inode:${st.dev}:${st.ino}`;
  } catch {
    // Not there yet (an output): by its real directory and name.
  }
  try {
    return realpathSync(full);
  } catch {
    try {
      return join(realpathSync(dirname(full)), basename(full));
    } catch {
      return full;
    }
  }
}
