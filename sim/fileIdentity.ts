import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * What a path names, whatever its spelling (relative, `..`, a symlink): its
 * real path, or, for a file not there yet, its directory's real path and
 * its name. For telling whether two paths are one file.
 */
export function fileIdentity(path: string): string {
  const full = resolve(path);
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
