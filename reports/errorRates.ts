/**
 * Whether two modes' error rates differ by more than the noise: each rate
 * (failed of completed) with its 95 % Wilson score interval, and a
 * difference called real only when the two intervals do not overlap — the
 * rule the latency changes follow. The interval treats requests as
 * independent trials; failures that come in bursts (a crash, an outage)
 * make the true uncertainty larger, so a rate's interval is, if anything,
 * too narrow to call a difference on a short run: `--replications` gives
 * independent runs.
 */
import type { EntryPointResult } from '../sim/results/types.js';
import { wilsonInterval } from '../sim/stats/confidence.js';
import { formatPercent } from './format.js';

export interface ErrorRate {
  failed: number;
  completed: number;
  /** failed / completed. */
  rate: number;
  /** The 95 % Wilson interval of the rate. */
  ci: [number, number];
}

/** A mode's error rate against the baseline's: higher or lower beyond the noise, or within it. */
export type ErrorRateVerdict = 'higher' | 'lower' | 'within the noise';

/** The entry point's error rate with its interval; null when nothing completed (no rate of nothing). */
export function errorRate(e: Pick<EntryPointResult, 'failed' | 'completed'>): ErrorRate | null {
  const ci = wilsonInterval(e.failed, e.completed);
  return ci === null ? null : { failed: e.failed, completed: e.completed, rate: e.failed / e.completed, ci };
}

/**
 * How a mode's error rate compares with the baseline's; null when there is
 * nothing to compare: a side with nothing completed, or the same rate on
 * both sides (two zeros, or the same failures of the same requests, as
 * common random numbers often give: the same, not "within the noise").
 */
export function errorRateVerdict(e: Pick<EntryPointResult, 'failed' | 'completed'>, base: Pick<EntryPointResult, 'failed' | 'completed'>): ErrorRateVerdict | null {
  const a = errorRate(e), b = errorRate(base);
  if (a === null || b === null || a.failed * b.completed === b.failed * a.completed) return null;
  if (a.ci[0] > b.ci[1]) return 'higher';
  if (a.ci[1] < b.ci[0]) return 'lower';
  return 'within the noise';
}

/** "1.19% (95 % interval 0.680%–2.06%)". */
export function errorRateInWords(r: ErrorRate): string {
  return `${formatPercent(r.rate)} (95 % interval ${formatPercent(r.ci[0])}–${formatPercent(r.ci[1])})`;
}

/**
 * One entry point's note under a comparison's latency table: which modes'
 * error rates differ from the baseline's beyond the noise, and that the
 * others' do not. Null when no mode failed anything there (nothing to say),
 * or there is no other mode.
 */
export function errorRateNote(
  modes: readonly string[], baseline: number, entries: ReadonlyArray<Pick<EntryPointResult, 'failed' | 'completed'> | undefined>,
): string | null {
  const base = entries[baseline];
  if (!base || modes.length < 2 || !entries.some((e) => e !== undefined && e.failed > 0)) return null;
  const baseRate = errorRate(base);
  if (baseRate === null) return null;
  const beyond: string[] = [];
  const within: string[] = [];
  entries.forEach((e, m) => {
    if (m === baseline || !e) return;
    const verdict = errorRateVerdict(e, base);
    const rate = errorRate(e);
    if (verdict === null || rate === null) return;
    if (verdict === 'within the noise') within.push(modes[m]);
    else beyond.push(`${modes[m]}'s ${errorRateInWords(rate)} is ${verdict} than ${modes[baseline]}'s ${errorRateInWords(baseRate)}, beyond the noise`);
  });
  if (beyond.length === 0 && within.length === 0) return null;
  const others = within.length === 0 ? ''
    : `${beyond.length === 0 ? '' : '; '}${listWords(within.map((n) => `${n}'s`))} ${within.length === 1 ? 'is' : 'are'} within the noise of ${modes[baseline]}'s` +
      (beyond.length === 0 ? ` (${errorRateInWords(baseRate)})` : '');
  return `Error rates (failed of completed, 95 % Wilson intervals; a difference only where they do not overlap): ${beyond.join('; ')}${others}.`;
}

/** "a", "a and b", "a, b and c". */
function listWords(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
