/**
 * Progress of long work on stderr: on a terminal, one bar redrawn in place
 * (runs done, rate, ETA); in a log, a plain line now and then; and a line
 * per finished mode of `compare`. The clock is read only for this display
 * (here, and a mode's wall time in parallel/mode.ts): it never reaches
 * results.
 */
import type { ModeDone } from '../parallel/modes.js';
import { formatCount, sig } from '../../reports/format.js';

export interface ProgressState {
  done: number;
  todo: number;
  /** Runs that were already done before this session (--resume). */
  resumed: number;
  /** The shares done of the runs in progress, summed. */
  running?: number;
}

export interface ProgressOptions {
  write: (text: string) => void;
  tty: boolean;
  /** Columns of the terminal, for the bar; a function is asked at every redraw, so a resized terminal gets a bar that fits. */
  columns?: Columns;
  /** Milliseconds between plain lines (default 10 s). */
  every?: number;
  now?: () => number;
}

/** A terminal's width, fixed or read when drawing (`() => process.stderr.columns`, which Node updates on SIGWINCH). */
export type Columns = number | undefined | (() => number | undefined);

function columnsNow(columns: Columns): number | undefined {
  return typeof columns === 'function' ? columns() : columns;
}

/** 0:09, 3:25, 1:02:03. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

function rateText(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '–';
  return perSecond >= 10 ? perSecond.toFixed(0) : perSecond >= 1 ? perSecond.toFixed(1) : perSecond.toFixed(2);
}

/** The numbers after the bar: `12/40 runs  3.1/s  ETA 0:09`; the ETA counts the runs in progress by their shares done. */
export function progressText(state: ProgressState, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? state.done / elapsedSeconds : 0;
  const worked = state.done + (state.running ?? 0);
  const pace = elapsedSeconds > 0 ? worked / elapsedSeconds : 0;
  const eta = pace > 0 ? (state.todo - worked) / pace : NaN;
  const resumed = state.resumed > 0 ? ` (+${state.resumed} resumed)` : '';
  return `${state.done}/${state.todo} runs${resumed}  ${rateText(rate)}/s  ETA ${state.done === state.todo ? '0:00' : formatEta(eta)}`;
}

/**
 * Whether a progress display may redraw a bar in place on `stream`: a
 * terminal, and not one that declares itself dumb (TERM=dumb: Emacs'
 * shell and compilation buffers), which shows `\x1b[K` as garbage; there
 * the plain lines of a log are drawn instead, as git does.
 */
export function drawsBar(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * The bar's line cut to the terminal's width less one column: a line that
 * wraps cannot be redrawn in place (`\r` returns to the start of its last
 * row only), so every redraw would leave a row behind. The bar goes first,
 * then the end of the text. `columns` 0 or unknown: 80.
 */
export function fitLine(head: string, bar: string, text: string, columns: number | undefined): string {
  const max = (columns !== undefined && columns > 1 ? columns : 80) - 1;
  const whole = `${head}${bar} ${text}`;
  if (whole.length <= max) return whole;
  const plain = `${head}${text}`;
  return plain.length <= max ? plain : plain.slice(0, max);
}

export function progressBar(fraction: number, width: number): string {
  const full = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

export class ProgressReporter {
  private readonly start: number;
  private lastDraw = -Infinity;
  private last: ProgressState = { done: 0, todo: 0, resumed: 0 };
  private drawn = false;
  private drawnDone = -1;
  private updated = false;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
  }

  update(state: ProgressState): void {
    this.updated = true;
    this.last = state;
    const t = this.now();
    const every = this.options.tty ? 100 : (this.options.every ?? 10_000);
    if (t - this.lastDraw < every && state.done < state.todo) return;
    this.lastDraw = t;
    this.draw(state, t);
  }

  /** Draws the final state and ends the bar's line. */
  finish(): void {
    // Nothing ever reported (the sweep stopped before its first run): no bar to close.
    if (!this.updated) return;
    if (!this.options.tty && this.drawnDone === this.last.done) return;
    this.draw(this.last, this.now(), true);
    if (this.options.tty && this.drawn) this.options.write('\n');
  }

  private draw(state: ProgressState, t: number, force = false): void {
    const elapsed = (t - this.start) / 1000;
    const text = progressText(state, elapsed);
    if (this.options.tty) {
      const columns = columnsNow(this.options.columns) || 80;
      const width = Math.max(10, Math.min(40, columns - text.length - 4));
      const bar = progressBar(state.todo > 0 ? (state.done + (state.running ?? 0)) / state.todo : 1, width);
      this.options.write(`\r${fitLine('', bar, text, columns)}\x1b[K`);
      this.drawn = true;
    } else if (force || state.done > 0 || (state.running ?? 0) > 0 || state.todo === 0) {
      this.options.write(`sweep: ${text}\n`);
      this.drawnDone = state.done;
    }
  }
}

/** A finished mode of `compare`: `istio-sidecar: 1,000,000 requests, 51.9 M events in 6.2 s`. */
export function modeDoneLine(done: ModeDone): string {
  const { result, seconds } = done;
  const requests = result.entrypoints.reduce((n, e) => n + e.completed, 0);
  return `${result.mesh.profile}: ${formatCount(requests)} requests, ${sig(result.run.events / 1e6)} M events in ${seconds.toFixed(1)} s`;
}

export interface ShareProgressOptions {
  write: (text: string) => void;
  tty: boolean;
  /** What is running: `run`, `compare`. */
  label: string;
  columns?: Columns;
  /** Milliseconds before anything is drawn: a quick run shows no bar (default 1 s on a terminal, 30 s in a log). */
  delay?: number;
  /** Milliseconds between plain lines in a log (default 30 s). */
  every?: number;
  now?: () => number;
}

/**
 * Progress of one long simulation (run, or compare's modes together) as the
 * share done: a bar redrawn in place on a terminal, a plain line now and
 * then in a log. Nothing shows for a run quicker than the delay, and the
 * bar is wiped at the end, so output that follows starts on a clean line.
 */
export class ShareProgress {
  private readonly start: number;
  private readonly now: () => number;
  private lastDraw = -Infinity;
  private barShown = false;
  private share = 0;
  private detail = '';

  constructor(private readonly options: ShareProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
  }

  /** The share done (0–1), with an optional word after it (`2/5 modes done`). */
  update(share: number, detail = ''): void {
    this.share = share;
    this.detail = detail;
    const t = this.now();
    const { tty } = this.options;
    if (t - this.start < (this.options.delay ?? (tty ? 1000 : 30_000))) return;
    if (t - this.lastDraw < (tty ? 100 : (this.options.every ?? 30_000))) return;
    this.lastDraw = t;
    const text = this.text(t);
    if (tty) {
      // One width while the terminal keeps its size, leaving room for the longest text after it: a bar that changes length jumps about.
      const columns = columnsNow(this.options.columns);
      const width = Math.max(10, Math.min(40, (columns || 80) - this.options.label.length - 42));
      this.options.write(`\r${fitLine(`${this.options.label}: `, progressBar(share, width), text, columns)}\x1b[K`);
      this.barShown = true;
    } else {
      this.options.write(`${this.options.label}: ${text}\n`);
    }
  }

  /** A line of its own (a finished mode), above the bar. */
  line(text: string): void {
    this.wipe();
    this.options.write(text.endsWith('\n') ? text : `${text}\n`);
    // Draw the bar again at the next update, however soon.
    this.lastDraw = -Infinity;
  }

  /** Wipes the bar: what follows is the results. */
  finish(): void {
    this.wipe();
  }

  private wipe(): void {
    if (!this.barShown) return;
    this.options.write('\r\x1b[K');
    this.barShown = false;
  }

  /** `43%  2/5 modes done  ETA 0:12`. */
  private text(t: number): string {
    const elapsed = (t - this.start) / 1000;
    const s = Math.max(0, Math.min(1, this.share));
    const eta = s > 0 ? (elapsed * (1 - s)) / s : NaN;
    const detail = this.detail ? `  ${this.detail}` : '';
    return `${Math.floor(s * 100)}%${detail}  ETA ${formatEta(eta)}`;
  }
}
