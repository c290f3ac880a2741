import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { DiagnosticError } from '../diagnostics/types.js';
import * as msg from './messages.js';

/**
 * A sweep's claim on its results file, `<file>.lock`, made with O_EXCL: a
 * second sweep given the same -o (a shard started twice, two terminals)
 * is refused before it runs anything, where it used to run to the end and
 * only then find the file's lines interleaved. The lock names its process
 * and host; one left by a process of this host that is gone (killed) is
 * taken over, any other is the user's to remove.
 */
export interface SweepLock {
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
}

export function lockResults(file: string): SweepLock {
  const path = `${file}.lock`;
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const holder = readHolder(path);
      if (gone(holder)) {
        unlinkSync(path);
        continue;
      }
      throw locked(file, holder);
    }
    try {
      writeSync(fd, `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      release(): void {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // Already gone (removed by hand): nothing to release.
        }
      },
    };
  }
}

/**
 * Refuses as lockResults would while another sweep holds `file`'s lock, taking
 * nothing. The command checks this before the file's contents: what those say
 * (it exists: pass --resume) is advice the lock would then refuse.
 */
export function checkUnlocked(file: string): void {
  const path = `${file}.lock`;
  if (!existsSync(path)) return;
  const holder = readHolder(path);
  // Released between the two looks: nothing holds it.
  if (holder === null && !existsSync(path)) return;
  if (!gone(holder)) throw locked(file, holder);
}

function locked(file: string, holder: Holder | null): DiagnosticError {
  return new DiagnosticError([{
    severity: 'error', code: 'sweep-locked', path: ['-o'],
    message: msg.sweepLocked(file, holder === null ? null : `${holder.pid} on ${holder.host}`),
    hint: msg.sweepLockedHint(`${file}.lock`),
  }]);
}

/** A lock left by a process of this host that is no more (a killed sweep): one to take over. */
function gone(holder: Holder | null): boolean {
  return holder !== null && holder.host === hostname() && !alive(holder.pid);
}

function readHolder(path: string): Holder | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof v === 'object' && v !== null && typeof (v as Holder).pid === 'number' && typeof (v as Holder).host === 'string') return v as Holder;
  } catch {
    // Unreadable or half written: a holder we cannot name, left to the user.
  }
  return null;
}

/** Whether process `pid` of this host still runs (signal 0 checks without sending; EPERM: it runs, as someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
