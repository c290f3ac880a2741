import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time; returns the directories it made, outermost
 * first. Node's own recursive mkdir spins for ever where a directory cannot
 * be made and does not say so plainly (under /proc); here the first level
 * that fails throws its error (ENOENT, EACCES, …) for the caller to explain.
 */
export function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  missing.reverse();
  for (const d of missing) mkdirSync(d);
  return missing;
}
