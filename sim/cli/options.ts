import { parseDuration, parsePrice } from '../units/parse.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { MAX_DURATION_S, MIN_DURATION_S } from '../topology/checkScalars.js';
import * as msg from '../topology/messages.js';

/**
 * Parses command-line values into numbers, collecting a diagnostic for
 * each bad one instead of throwing, so all of them are reported at once.
 */
export class OptionParser {
  readonly diagnostics: Diagnostic[] = [];

  /** `zeroAllowed`: 0 is a valid value of this flag (--warmup), which the hint for a too-short one may then suggest. */
  duration(flag: string, raw: string | undefined, zeroAllowed = false): number | undefined {
    if (raw === undefined) return undefined;
    const r = parseDuration(raw);
    if (r.ok && r.value > MAX_DURATION_S) {
      this.diagnostics.push({ severity: 'error', code: 'bad-option', path: [flag], message: `${flag} ${JSON.stringify(raw)}: ${msg.durationTooLong('the duration', raw)}`, hint: msg.durationTooLongHint() });
      return undefined;
    }
    // As in a file (checkScalars.checkDuration): a positive duration below 1ns would not move the clock.
    if (r.ok && r.value > 0 && r.value < MIN_DURATION_S) {
      this.diagnostics.push({ severity: 'error', code: 'bad-option', path: [flag], message: `${flag} ${JSON.stringify(raw)}: ${msg.durationTooShort('the duration', raw)}`, hint: msg.durationTooShortHint(zeroAllowed) });
      return undefined;
    }
    if (r.ok) return r.value;
    this.diagnostics.push({ severity: 'error', code: 'bad-option', path: [flag], message: `${flag} ${JSON.stringify(raw)}: ${r.message}`, hint: r.hint });
    return undefined;
  }

  /** A non-negative decimal, e.g. a price; a leading $ is allowed. */
  price(flag: string, raw: string | undefined): number | undefined {
    if (raw === undefined) return undefined;
    const r = parsePrice(raw);
    // The file's costs are refused above $1e6 an hour (checkValues.ts): the flag that overrides them likewise.
    if (r.ok && r.value <= 1e6) return r.value;
    this.diagnostics.push({
      severity: 'error', code: 'bad-option', path: [flag],
      message: `${flag} ${JSON.stringify(raw)}: expected a price in dollars, a number from 0 to 1000000`,
      hint: flag === '--gb-hour' ? `for example ${flag} 0.0056 (a GB-hour of memory)` : `for example ${flag} 0.0416 (a vCPU-hour)`,
    });
    return undefined;
  }

  /**
   * A whole number from min to max; `example` is the value the hint suggests
   * (a sensible one for this flag). A flag whose file field has a limit of its
   * own passes it as max, so the flag refuses what the file would.
   */
  integer(flag: string, raw: string | undefined, min: number, example = Math.max(min, 1), max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (raw === undefined) return undefined;
    const v = Number(raw);
    const digits = /^\d+$/.test(raw.trim());
    if (digits && Number.isSafeInteger(v) && v >= min && v <= max) return v;
    const tooLarge = digits && v > max;
    const limited = max < Number.MAX_SAFE_INTEGER;
    this.diagnostics.push({
      severity: 'error', code: 'bad-option', path: [flag],
      message: limited
        ? `${flag} ${JSON.stringify(raw)}: ${tooLarge ? 'too large; expected' : 'expected'} a whole number from ${min} to ${max.toLocaleString('en-US')}`
        : tooLarge ? `${flag} ${JSON.stringify(raw)}: too large (at most ${Number.MAX_SAFE_INTEGER})` : `${flag} ${JSON.stringify(raw)}: expected a whole number ≥ ${min}`,
      hint: `for example ${flag} ${example}`,
    });
    return undefined;
  }

  /**
   * A flag given more than once (`values`: each value, in order), where the
   * parser would keep only the last without a word: refused, with `hint`.
   */
  givenOnce(flag: string, values: readonly string[], hint: string): void {
    if (values.length < 2) return;
    this.diagnostics.push({
      severity: 'error', code: 'bad-option', path: [flag],
      message: `${flag} is given ${values.length === 2 ? 'twice' : `${values.length} times`} (${values.map((v) => JSON.stringify(v)).join(', ')}): only the last would count`,
      hint,
    });
  }

  /**
   * A comma-separated list of names, e.g. `--mesh none,linkerd`. An empty
   * name (`none,,linkerd`, a trailing comma) is an error rather than dropped:
   * it is most often a name the user meant to type.
   */
  nameList(flag: string, raw: string, example: string): string[] {
    const names = raw.split(',').map((m) => m.trim());
    const named = names.filter((m) => m.length > 0);
    if (named.length === 0) {
      this.diagnostics.push({ severity: 'error', code: 'bad-option', path: [flag], message: `${flag} names nothing`, hint: `for example ${flag} ${example}` });
    } else if (named.length < names.length) {
      this.diagnostics.push({
        severity: 'error', code: 'bad-option', path: [flag],
        message: `${flag} ${JSON.stringify(raw)}: an empty name between commas`,
        hint: `for example ${flag} ${named.join(',')}`,
      });
    }
    return named;
  }
}
