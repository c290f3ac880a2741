/** Human formatting of simulated quantities, shared by tables and reports. */

/**
 * The units a duration is written in, smallest first: each with the shown
 * magnitude (in seconds) it starts at and how a value in seconds reads in it.
 */
const DURATION_UNITS = [
  { symbol: 'ns', from: 1e-9, of: (s: number) => s * 1e9 },
  { symbol: 'µs', from: 1e-6, of: (s: number) => s * 1e6 },
  { symbol: 'ms', from: 1e-3, of: (s: number) => s * 1e3 },
  { symbol: 's', from: 1, of: (s: number) => s },
  { symbol: 'm', from: 600, of: (s: number) => s / 60 },
  { symbol: 'h', from: 2 * 3600, of: (s: number) => s / 3600 },
  { symbol: 'd', from: 48 * 3600, of: (s: number) => s / 86400 },
] as const;

export type DurationUnit = (typeof DURATION_UNITS)[number];
export type DurationSymbol = DurationUnit['symbol'];

/**
 * The unit formatSeconds writes a duration in: the largest whose start the
 * magnitude reaches, as shown (three digits), so 0.9999 ms is 1.00ms, not
 * 1000µs. Null below a nanosecond, which is floating-point dust, not a
 * latency (formatSeconds writes it 0). Charts choose their axis's unit
 * with it too, from a value typical of what they draw.
 */
export function durationUnit(s: number): DurationUnit | null {
  const a = Math.abs(Number(s.toPrecision(3)));
  if (!(a >= 1e-9)) return null;
  let unit: DurationUnit = DURATION_UNITS[0];
  for (const u of DURATION_UNITS) if (a >= u.from) unit = u;
  return unit;
}

/** The unit of that symbol. */
export function durationUnitOf(symbol: DurationSymbol): DurationUnit {
  return DURATION_UNITS.find((u) => u.symbol === symbol)!;
}

/** Seconds as a readable duration with 3 significant digits: 812µs, 4.21ms, 1.50s. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return s > 0 ? '∞' : '–';
  const unit = durationUnit(s);
  return unit ? `${sig(unit.of(s))}${unit.symbol}` : '0';
}

/**
 * Past 10^15 a double's spacing nears 1 and a whole number's last digits
 * are the arithmetic's rounding (toFixed wrote 42857142857142853632, and
 * "1e+21" from 10^21 on): such a magnitude is written as significant digits
 * times a power of ten. Valid input reaches it: istio-sidecar at 2,000/s
 * over two pods, projected to a million pods at $1e6 a vCPU-hour and a
 * GB-hour, bills $9.08×10^15 a month, past 2^53.
 */
const HUGE = 1e15;

/**
 * Below a millionth toPrecision switches to "9.72e-7": the vCPU of a 5 ms
 * job run once an hour, the busy share of a proxy in a long quiet run. To
 * the reader of a review that is nothing at all, and reads so; the
 * exponent form read as a typo.
 */
const TINY = 1e-6;
const TINY_TEXT = '<0.000001';

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** 9.01×10¹⁵: three significant digits and the power of ten, as a reader writes it, for a magnitude past HUGE. */
function timesTen(x: number): string {
  const [mantissa, exponent] = x.toExponential(2).split('e');
  const power = [...exponent.replace('+', '')].map((c) => (c === '-' ? '⁻' : SUPERSCRIPT[Number(c)])).join('');
  return `${mantissa}×10${power}`;
}

/** Three significant digits, without exponent notation: a huge magnitude in powers of ten, a tiny one as "<0.000001". */
export function sig(x: number): string {
  // NaN comes back from saved JSON as null: a quantity nothing was measured for.
  if (!Number.isFinite(x)) return x === Infinity ? '∞' : x === -Infinity ? '−∞' : '–';
  if (x === 0) return '0';
  // By the magnitude as rounded, so 99.96 is 100, not 100.0.
  const a = Math.abs(Number(x.toPrecision(3)));
  if (a >= HUGE) return timesTen(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a < TINY) return x > 0 ? TINY_TEXT : `>-${TINY_TEXT.slice(1)}`;
  return x.toPrecision(3);
}

/**
 * Dollars a month: whole dollars grouped from $100, cents below, and under a
 * cent (tiny prices, or a tiny fleet) three significant digits, where cents
 * read $0.00 for every mode. Those digits stay in plain decimals however
 * small ("$0.0000000219", not "$2.19e-8"), not cut off at a millionth as
 * sig() is: the invoice ranks the modes by these sums, and a user who priced
 * a vCPU-hour at $1e-7 chose that scale (formatPrice writes it so too).
 * Past 10^15, as sig() does.
 */
export function formatDollars(x: number): string {
  // Saved JSON gives null for a NaN.
  if (!Number.isFinite(x)) return x === Infinity ? '$∞' : '–';
  if (Math.abs(Number(x.toPrecision(3))) >= HUGE) return `$${timesTen(x)}`;
  if (x > 0 && x < 0.01) return `$${x.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 3 })}`;
  return `$${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2)}`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const shown = sig(fraction * 100);
  // Three significant digits round 99.95 % and up to "100%": a share short of all (one request of 3,000
  // succeeded, one failure of 3,000 was the application's) would read as all. Such a share gets the
  // decimals it needs to stay below 100, as a small one keeps its digits ("0.0344%") rather than read 0.
  if (fraction < 1 && Number(shown) >= 100) {
    for (let decimals = 2; decimals <= 10; decimals++) {
      const fixed = (fraction * 100).toFixed(decimals);
      if (Number(fixed) < 100) return `${fixed}%`;
    }
    return '>99.9999999%';
  }
  return `${shown}%`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * A fleet's size: whole counts grouped ("1,000"), a time-weighted one (a pod
 * alive half the window counts ½) to three digits ("5.39"), not rounded to
 * a whole number that its per-proxy figures would not multiply out to.
 */
export function formatFleetCount(n: number): string {
  return Number.isInteger(n) ? formatCount(n) : sig(n);
}

/** "1 push", "12 pushes": a count and its noun. */
export function formatCountOf(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "1 pod", "1,000 pods". */
export function formatPods(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'pod' : 'pods'}`;
}

export function formatRate(perSecond: number): string {
  return `${sig(perSecond)}/s`;
}

/** East Asian wide and fullwidth characters (and the emoji blocks), two columns in a terminal. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
/**
 * Emoji shown as emoji by default (✅ U+2705, 🚀 U+1F680, 🫠 U+1FAE0 …), two columns like the
 * blocks above, wherever Unicode put them; not the regional indicators, a flag's two halves of one column each.
 */
const EMOJI = /(?![\u{1f1e6}-\u{1f1ff}])\p{Emoji_Presentation}/u;
/** Combining marks and zero-width characters: no column of their own. */
const ZERO = /^[\p{M}\u200b-\u200d\u2060\ufeff]+$/u;
/** A joiner or emoji presentation selector after a pictograph (or a keycap's digit) makes one emoji, two columns wide. */
const EMOJI_SEQUENCE = /[\u200d\ufe0f]/;
const EMOJI_BASE = /^[\p{Extended_Pictographic}0-9#*]$/u;
const REGIONAL_PAIR = /^[\u{1f1e6}-\u{1f1ff}]{2}$/u;
/** Root-locale grapheme clusters: what a terminal draws as one character, the same on every machine. */
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The columns a text takes in a terminal: a name (of a service, an entry
 * point) in Chinese or Japanese takes two a character, an accent written as
 * a combining mark none, a character outside the BMP one, where `.length`
 * counted one, zero and two, and the table's columns went out of line.
 * Counted a cluster at a time, so an emoji made of several (👩‍💻 joined,
 * 👍🏽 with a skin tone, ❤️ with its presentation selector) takes the two
 * columns a terminal draws, not the sum of its parts.
 */
export function displayWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of GRAPHEMES.segment(text)) width += clusterWidth(segment);
  return width;
}

function clusterWidth(cluster: string): number {
  if (ZERO.test(cluster)) return 0;
  const first = String.fromCodePoint(cluster.codePointAt(0) as number);
  if (WIDE.test(first) || EMOJI.test(first) || REGIONAL_PAIR.test(cluster)) return 2;
  return cluster.length > first.length && EMOJI_BASE.test(first) && EMOJI_SEQUENCE.test(cluster) ? 2 : 1;
}

/** Lays out rows as a plain-text table: first column left-aligned, the rest right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  // A loop, not Math.max(...rows): spreading 100,000 rows overflows the call stack.
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, displayWidth(r[i] ?? '')), displayWidth(h)));
  const pad = (c: string, w: number): string => ' '.repeat(Math.max(0, w - displayWidth(c)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c + pad(c, widths[i]) : pad(c, widths[i]) + c)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A change in seconds with its sign: +720µs, −1.20ms (a true minus sign, as in the tables). */
export function formatSignedSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  return `${s >= 0 ? '+' : '−'}${formatSeconds(Math.abs(s))}`;
}

/** A relative change with its sign: +9.42%, −3.10%. */
export function formatSignedPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${fraction >= 0 ? '+' : '−'}${formatPercent(Math.abs(fraction))}`;
}

/**
 * A price as given, in plain decimals: the user's number, not rounded, but
 * never in exponent form ("$1e-7 per vCPU-hour" read as a typo).
 */
export function formatPrice(dollars: number): string {
  if (!Number.isFinite(dollars)) return '–';
  return `$${dollars.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 21 })}`;
}
