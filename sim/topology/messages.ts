/**
 * Every text the topology loader shows a user, in one place (after
 * vega-lite's src/log/message.ts): functions that return strings. A message
 * says what is wrong; its hint says what to do about it. Codes live with the
 * callers; texts live here so they stay consistent and reviewable together.
 */
import { quoted } from '../diagnostics/format.js';
import type { NotText } from './fileKind.js';

const MAX_LISTED = 20;

/** `a, b, c` — long lists are cut so a hint stays readable. */
export function list(names: readonly string[]): string {
  if (names.length <= MAX_LISTED) return names.join(', ');
  return `${names.slice(0, MAX_LISTED).join(', ')}, … (${names.length - MAX_LISTED} more)`;
}

/** Quoted as JSON, with DEL and the C1 controls escaped too: a value of the user's file is echoed to a terminal. */
function q(text: string): string {
  return quoted(text);
}

/** "did you mean "x"? known services: a, b" or just the list when nothing is close. */
export function didYouMean(suggestion: string | undefined, what: string, known: readonly string[]): string {
  const listed = known.length > 0 ? `${what}: ${list(known)}` : `there are no ${what}`;
  return suggestion === undefined ? listed : `did you mean ${q(suggestion)}? ${listed}`;
}

// ---- reading the file -------------------------------------------------------

export const fileNotFound = (file: string) => `cannot read ${q(file)}: no such file`;
export const fileNotFoundHint = () => 'check the path; it is relative to the current directory';
export const directoryHint = (path: string) => `name a file inside it, e.g. ${path.replace(/\/+$/, '')}/<file>.yaml`;
export const permissionHint = () => 'check that the file exists and that you may read it';
export const fileUnreadable = (file: string, reason: string) => `cannot read ${q(file)}: ${reason}`;
export const tooLarge = (size: string) => `it holds more than ${size}, far more than any topology, mesh profile or sweep file`;
export const tooLargeHint = () => 'is it the file you meant? a device (such as /dev/zero, or a symlink to it) or a pipe that never ends cannot be read as one';
export const emptyFile = () => 'the file is empty';
/** What a file is meant to hold, which the hints for an empty, shapeless or many-document file name. */
export type FileKind = 'topology' | 'profile' | 'sweep';
const KIND_NAME: Record<FileKind, string> = { topology: 'a topology file', profile: 'a mesh profile file', sweep: 'a sweep file' };
export const sweepFileHint = () => 'a sweep file holds grid: (path: values or a range), points: (a list of {path: value}) and repeat:';
export const emptyFileHint = (kind: FileKind = 'topology') =>
  kind === 'topology' ? 'a topology needs at least name, services and entrypoints'
    : kind === 'profile' ? 'a mesh profile needs at least name, description and mode, and for a data plane its proxies, mtls and sources'
      : sweepFileHint();
export const notAMapping = (got: string) => `the top level must be a mapping of keys, got ${got}`;
export const notAMappingHint = (kind: FileKind = 'topology') =>
  kind === 'topology' ? 'start the file with keys such as `name:`, `services:` and `entrypoints:`'
    : kind === 'profile' ? 'start the file with keys such as `name:`, `description:` and `mode:`'
      : sweepFileHint();

// ---- YAML syntax --------------------------------------------------------------

export const duplicateKey = (key: string) => `duplicate key ${q(key)}`;
export const duplicateKeyHint = () =>
  'a key may appear only once in a mapping; YAML would silently keep one of them, so remove or rename the other';

const IMPLICIT_KEY_HINT =
  'this value runs on into the next line: check that line\'s indentation (a key indented deeper than the key above is read as part of this value), or look for a missing colon or quote';

/** Hints for the yaml library's error codes; the message itself comes from the parser. */
const YAML_HINTS: Record<string, string> = {
  BAD_INDENT: 'check the indentation: keys of one mapping line up, nested keys are indented further (spaces, not tabs)',
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation; use spaces',
  MISSING_CHAR: 'a closing bracket, brace or quote is missing',
  MULTILINE_IMPLICIT_KEY: IMPLICIT_KEY_HINT,
  BLOCK_AS_IMPLICIT_KEY: IMPLICIT_KEY_HINT,
  UNEXPECTED_TOKEN: 'check for a stray character, a missing colon after a key, or a value that needs quotes',
  BLOCK_IN_FLOW: 'inside [ ] or { } write everything on one line, or use the indented form throughout',
  BAD_SCALAR_START: 'a value starting with this character must be quoted',
  KEY_OVER_1024_CHARS: 'a key is too long; check for a missing colon',
};
export const bareItemWithKeysHint = (name: string, key: string) =>
  `a call written as a bare name (- ${name}) takes no keys: write - call: ${name}, with ${key}: under it lined up with call (or {call: ${name}, ${key}: …} on one line)`;
export const yamlSyntaxHint = (yamlCode: string, kind: FileKind = 'topology') =>
  yamlCode === 'MULTIPLE_DOCS' ? `${KIND_NAME[kind]} holds one YAML document; remove the \`---\` separators`
    : YAML_HINTS[yamlCode] ?? 'see https://yaml.org/spec/1.2.2/ for the syntax';
/** In place of the library's "please use YAML.parseAllDocuments()", which speaks to programmers. */
export const moreSyntaxProblems = (count: number, line: number) =>
  `${count.toLocaleString('en-US')} more syntax problem${count === 1 ? '' : 's'} from line ${line} on, not shown: after the first, the parser often loses its way`;
export const moreSyntaxProblemsHint = () => 'fix the first ones and check again (is this a topology file, YAML or JSON?)';
export const multipleDocuments = () => 'a second YAML document starts here (after ---): the file holds more than one';
export const unknownAnchor = (name: string) => `alias *${name} names no anchor set before it`;
export const unknownAnchorHint = (name: string) => `set the anchor (&${name}) on a value above this alias, or check its spelling`;
export const reservedKey = () => 'a key cannot be named "__proto__": JavaScript reserves the name, and the entry would silently vanish';
export const reservedKeyHint = () => 'rename it (a service, entry point, node or zone can take any other name)';
export const reservedPathKey = () => 'a path cannot go through "__proto__": JavaScript reserves the name, and the value would change every object of the process or silently set nothing';
export const reservedPathKeyHint = () => 'no key of a topology is named "__proto__"; write the path of a key in the file, e.g. services.api.replicas';
export const extensionPath = (key: string) => `${q(key)} is an extension key, which meshtax ignores: setting it would change nothing`;
export const extensionPathHint = () => 'aliases of its anchor were filled in when the file was read; set the keys that use the template instead, e.g. services.api.workers';
export const complexKey = () => 'a key must be a name, not a list or a mapping';
export const complexKeyHint = () => 'write the key as plain text (`? [a, b]` makes a list the key)';
export const badMerge = () => 'a merge key (<<) takes a mapping, an alias of one (*defaults), or a list of them';
export const badMergeHint = () => 'write `<<: *defaults` where `&defaults` is set on a mapping above, or write the keys out';
export const tooDeep = () => 'the file nests lists and mappings hundreds of levels deep, more than the YAML parser can follow';
export const tooDeepHint = () => 'a topology nests a few levels deep (calls at most 200): check for a runaway indentation or unclosed brackets, or flatten the nesting';
export const utf16 = () => 'it is UTF-16 text, and meshtax reads UTF-8';
export const utf16Hint = () => 'save the file as UTF-8 (in PowerShell: Set-Content -Encoding utf8, or Out-File -Encoding utf8)';
export const gzipped = () => 'it is gzip-compressed, not text';
export const gzippedHint = (file: string) => /\.gz$/i.test(file)
  ? `decompress it first (gunzip ${file}), then give meshtax ${file.slice(0, -3)}`
  : `decompress it first (gunzip -c ${file} > FILE), then give meshtax FILE`;
export const notTextFile = (byte: number) => `not a text file: found a NUL byte at byte ${byte}`;
export const notTextFileHint = (what: string) => `is it the file you meant? meshtax reads ${what} as UTF-8 text (UTF-16 text has NUL bytes too: save it as UTF-8)`;
/** Why a file is no text, and what to do: `what` names the text it should hold ("YAML and JSON"). */
export const notTextProblem = (found: NotText, file: string, what: string): { reason: string; hint: string } =>
  found.gzip ? { reason: gzipped(), hint: gzippedHint(file) } : { reason: notTextFile(found.nulByte), hint: notTextFileHint(what) };
export const aliasHint = () => 'aliases (*name) expand to too much data; write the values out instead';
/** V8's JSON.parse message, without where (the location says it) and without the echoed text. */
export const jsonMessage = (raw: string) =>
  /^Unexpected end of JSON input/.test(raw)
    ? 'the JSON ends too early: a brace, bracket or string is not closed'
    : raw.replace(/ (in|after) JSON at position \d+.*$/s, (_m, w: string) => (w === 'after' ? ' after the JSON value' : '')).replace(/, ".*" is not valid JSON$/s, '');
export const jsonSyntaxHint = () =>
  'JSON wants double-quoted keys and strings, a comma between entries and none after the last; YAML (.yaml) is more forgiving';
/** The yaml library's messages end with " at line L, column C"; the location is shown separately. */
export const yamlMessage = (raw: string) => raw.replace(/ at line \d+, column \d+:?\s*$/s, '').replace(/\n[\s\S]*$/, '');

// ---- structure (schema) ---------------------------------------------------------

export const unknownKey = (key: string) => `unknown key ${q(key)}`;
/** `topLevel`: the key is at the top of a topology or profile file, where `x-` keys are let be (extensionKeys.ts). */
export const unknownKeyHint = (key: string, suggestion: string | undefined, allowed: readonly string[], topLevel = false): string =>
  topLevel && key !== '<<' ? `${keyHint(key, suggestion, allowed)}; a key starting with x- is ignored (a place for anchor templates)` : keyHint(key, suggestion, allowed);
const keyHint = (key: string, suggestion: string | undefined, allowed: readonly string[]): string =>
  key === '<<'
    ? 'YAML merge keys (<<) are not supported: write the keys out, or use an alias (*name) for a whole value'
    : key === 'outlierDetectionStyle' && allowed.includes('outlierDetection')
      // How a proxy ejects hosts is its implementation's, not a policy a topology or a service can change.
      ? "outlierDetectionStyle belongs to a mesh profile file's resilience block (how its proxy takes hosts out); a topology cannot change it: run another profile, or copy the profile and set it there"
      : (key === 'pickFrom' || key === 'failFastAfter') && allowed.includes('outlierDetection')
      // So is which endpoints its balancer picks among.
      ? `${key} belongs to a mesh profile file's resilience block (${key === 'pickFrom' ? 'which endpoints its proxy\'s balancer picks among' : 'how long its proxy holds a request with no endpoint ready'}); a topology cannot change it: run another profile, or copy the profile and set it there`
      : misplacedKeyHint(key, allowed) ?? didYouMean(suggestion, 'allowed keys here', allowed);

/**
 * A key that belongs one level down or elsewhere, written where it is
 * unknown: a service's `timeout` (its policy goes under `resilience:`), an
 * entry point's `duration` (the run's, under `simulation:`), a lognormal's
 * `p50` (its `median`). Known by the keys allowed where it was written.
 */
function misplacedKeyHint(key: string, allowed: readonly string[]): string | undefined {
  const list = `allowed keys here: ${allowed.join(', ')}`;
  if (allowed.includes('resilience') && ['timeout', 'retries', 'circuitBreaker', 'outlierDetection', 'connectTimeout', 'placement'].includes(key)) {
    return `${key} is a resilience policy key: write it under resilience (resilience: {${key}: …}); ${list}`;
  }
  if (allowed.includes('resilience') && ['attempts', 'perTryTimeout', 'retryOn'].includes(key)) {
    return `${key} is a retry key: write it under resilience.retries (resilience: {retries: {${key}: …}}); ${list}`;
  }
  if (allowed.includes('thinkTime') && ['duration', 'warmup', 'requests', 'seed'].includes(key)) {
    return `${key} is the whole run's: write it under the top-level simulation (simulation: {${key}: …}), or give --${key} on the command line; ${list}`;
  }
  if (key === 'p50' && allowed.includes('median')) return `did you mean "median"? a lognormal's p50 is its median; ${list}`;
  return undefined;
}

export const missingKey = (key: string) => `missing required key ${q(key)}`;
export const missingKeyHint = (key: string, description: string | undefined) =>
  description === undefined ? `add ${key}` : `add ${fieldHint(key, description)}`;
/** `replicas: number of pods (default 1)`, from the schema's description of the key. */
export const fieldHint = (key: string, description: string) => `${key}: ${lowerFirst(description).replace(/\.$/, '')}`;

export const wrongType = (expected: string, got: string) => `expected ${expected}, got ${got}`;
export const emptyItemHint = () => 'the list item is empty: write what it should hold, or remove it (and its comma)';
export const emptyValueHint = (optional: boolean) =>
  optional ? 'the key has no value: give it one, or remove the key to use the default' : 'the key has no value: give it one (the key is required: it has no default)';

export const invalidValue = (got: string, allowed: readonly string[]) =>
  `${got} is not allowed here; expected ${allowed.length === 1 ? q(allowed[0]) : `one of ${allowed.join(', ')}`}`;
export const invalidValueHint = (suggestion: string | undefined) =>
  suggestion === undefined ? undefined : `did you mean ${q(suggestion)}?`;

export const unknownDistribution = (name: string) => `unknown distribution ${q(name)}`;
export const missingDist = () => 'a distribution needs a `dist` key naming its kind';
export const distributionHint = (suggestion: string | undefined, known: readonly string[]) =>
  didYouMean(suggestion, 'known distributions', known);

/** Characters of a string quoted in "got …" at most. */
const DESCRIBED_STRING = 60;

/** How a JavaScript value parsed from YAML reads in "got …". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  // A file of prose or binary is one long string: quote its start, not all of it.
  if (typeof value === 'string') return `the string ${q(value.length > DESCRIBED_STRING ? `${value.slice(0, DESCRIBED_STRING)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

// ---- values -----------------------------------------------------------------------

export const mustBeInteger = (key: string, min: number, got: number) =>
  `${key} must be an integer ≥ ${min}, got ${got}`;
export const integerTooLarge = (key: string, got: number) => `${key} ${got} is too large: at most ${Number.MAX_SAFE_INTEGER}`;
export const queueHint = () => 'an integer ≥ 0, or "unbounded" for a queue with no limit (the default)';

export const probabilityRange = (got: number) => `probability ${got} is outside [0, 1]`;
export const probabilityHint = () => 'a probability is a fraction: 0.8 makes the call on 80 % of requests';

export const mustBePositive = (what: string, text: string) => `${what} must be greater than 0, got ${text}`;
export const mustNotBeNegative = (what: string, text: string) => `${what} must not be negative, got ${text}`;
export const positiveDurationHint = () => 'use a duration greater than 0, e.g. 1ms';
export const durationTooLong = (what: string, text: string) =>
  `${what} ${text} is longer than 1e8s (about 3 years): the simulated clock, a double in seconds, cannot resolve the run around it`;
export const durationTooLongHint = () => 'durations are limited to 1e8s; for an event that never ends leave until out, or model a shorter span';
export const durationTooShort = (what: string, text: string) =>
  `${what} ${text} is shorter than 1ns, the clock's finest unit: it would not move the clock`;
export const durationBelow = (what: string, text: string, min: string) => `${what} ${text} is below the minimum, ${min}`;
/** `zeroAllowed`: 0 is a valid value here; where it is not (a run's duration, a mean), suggesting it would only lead to the next error. */
export const durationTooShortHint = (zeroAllowed: boolean) =>
  zeroAllowed ? 'use 0 for no time at all, or a duration of at least 1ns' : 'use a duration of at least 1ns';
export const lognormalOutOfClock = (mu: number, sigma: number) =>
  `lognormal mu ${mu}, sigma ${sigma} draws values outside 1ns to 1e8s (its median is e^mu seconds, its tail e^(mu + 6 sigma))`;
export const lognormalTooShortHint = () =>
  'its median, e^mu seconds, is below 1ns: mu is ln(seconds), so 1ms is mu −6.9; or give {median: 1ms, p99: 5ms}, or 0 for no time at all';
export const lognormalTailOutOfClock = (median: string, p99: string, top: number) =>
  `lognormal median ${median}, p99 ${p99} draws values past 1e8s: its tail (e^(mu + 6 sigma)) reaches ${top.toPrecision(3)}s`;
export const lognormalTailHint = () =>
  'the p99 sets the spread, and the tail is about median × (p99 / median)^2.6: bring the p99 closer to the median, or give the measured shape as an empirical distribution';
export const negativeDurationHint = (text: string) => `a duration cannot be negative; did you mean ${text.replace(/^\s*-\s*/, '')}?`;
export const rateTooLow = (text: string) => `rate ${text} is below 1e-6/s (one request in 12 days): a run of it lasts so long that the clock cannot resolve the service times`;
export const rateTooLowHint = () => 'write the rate of the load you model, e.g. 5/m or 100/s';
export const rateTooHigh = (text: string) => `rate ${text} is above 1e9/s (a request a nanosecond at one entry point): arrivals come closer together than the clock resolves`;
export const rateTooHighHint = () => 'model a slice of the traffic (e.g. 10000/s) and scale the results';
export const positiveRateHint = () => 'write how many requests per second arrive, e.g. 100/s';

export const warmupTooLong = (warmup: string, duration: string) =>
  `warmup (${warmup}) must be shorter than duration (${duration})`;
export const warmupHint = () => 'duration includes the warm-up; only requests after the warm-up are measured';

export const emptyCollection = (what: string) => `${what} is empty`;
export const emptyServicesHint = () => 'define at least one service';
export const emptyEntrypointsHint = () => 'define at least one entry point with a target service, e.g. web: {target: api, rate: 100/s}';
export const emptyZonesHint = () => 'list at least one zone, or remove the key to use the single zone "default"';
export const emptyName = () => 'name is empty';
export const blankName = (kind: string, name: string) => `${kind} name ${JSON.stringify(name)} is blank`;
export const blankNameHint = (kind: string, name = ' ') =>
  name === ''
    // YAML reads a key written null, ~ or nothing as null, which becomes the name "": the user wrote a word, not "".
    ? `a key written null, ~ or left empty is YAML's null, read as no name: quote it to use the word ('null':), or give the ${kind} another name`
    : `give the ${kind} a name that reports can show and references can use`;
export const emptyNameHint = () => 'give the topology a name; reports show it';
export const emptyStepsHint = (kind: string) => `a ${kind} group needs at least one step`;

export const duplicateZone = (zone: string) => `zone ${q(zone)} is listed twice`;
export const duplicateZoneHint = () => 'zone names must be unique; remove the repeated one';

// ---- distributions -------------------------------------------------------------------

export const lognormalForm = () => 'a lognormal needs either median and p99, or mu and sigma';
export const lognormalFormHint = () =>
  'e.g. {dist: lognormal, median: 2ms, p99: 10ms}, or {dist: lognormal, mu: -6.2, sigma: 0.7} in ln(seconds)';
export const lognormalP99 = (p99: string, median: string) => `lognormal p99 (${p99}) must be greater than the median (${median})`;
export const lognormalP99Hint = () =>
  'p99 is the value 99 % of draws stay under, so it exceeds the median; for a fixed value write the duration alone';
export const uniformBounds = (min: string, max: string) => `uniform max (${max}) is less than min (${min})`;
export const uniformBoundsHint = () => 'swap min and max';
export const empiricalForm = (both: boolean) =>
  both ? 'an empirical distribution takes samples or percentiles, not both' : 'an empirical distribution needs samples or percentiles';
export const empiricalFormHint = () =>
  'e.g. {dist: empirical, samples: [1ms, 2ms, 5ms]} or {dist: empirical, percentiles: {p0: 1ms, p50: 2ms, p100: 20ms}}';
export const noSamples = () => 'samples is empty';
export const noSamplesHint = () => 'list at least one observed value, e.g. samples: [1ms, 2ms, 5ms]';
export const badPercentileKey = (key: string) => `${q(key)} is not a percentile`;
export const badPercentileKeyHint = () => 'name percentiles pNN or pNN.N between p0 and p100, e.g. p50, p99, p99.9';
export const duplicatePercentile = (key: string, other: string) => `${key} and ${other} name the same percentile`;
export const missingPercentileEnds = (missing: readonly string[]) => `percentiles must include ${missing.join(' and ')}`;
export const missingPercentileEndsHint = () => 'p0 is the smallest value and p100 the largest; the sampler interpolates between points';
export const decreasingPercentile = (key: string, value: string, prevKey: string, prevValue: string) =>
  `${key} (${value}) is less than ${prevKey} (${prevValue})`;
export const decreasingPercentileHint = () => 'a higher percentile cannot be a smaller value; check the order of the numbers';

// ---- load ------------------------------------------------------------------------------

export const missingRate = (kind: string) => `${kind} arrivals need a rate or a schedule`;
export const missingRateHint = () => 'add rate: 100/s, or a schedule: [{at: 0s, rate: 100/s}, …]';
export const rateAndSchedule = () => 'rate and schedule are both given';
export const rateAndScheduleHint = () => 'keep one: rate for a steady load, schedule for a load that changes over time';
export const missingUsers = () => 'closed arrivals need users';
export const missingUsersHint = () => 'add users: the number of clients, each waiting for its response and thinkTime before the next request';
export const notApplicable = (key: string, kind: string) => `${key} does not apply to ${kind} arrivals`;
export const notApplicableHint = (key: string) =>
  key === 'users' || key === 'thinkTime'
    ? `${key} belongs to closed-loop load: set arrivals: closed, or remove ${key}`
    : `${key} belongs to open-loop load (poisson or constant); closed-loop users pace themselves, so remove ${key}, and set users or thinkTime for more or less load`;
export const scheduleStart = (at: string) => `the schedule starts at ${at}, not at 0s`;
export const scheduleStartHint = () => 'make the first entry {at: 0s, rate: …}; the rate before it would be undefined';
export const scheduleOrder = (at: string, prev: string) => `schedule time ${at} does not come after ${prev}`;
export const scheduleOrderHint = () => 'list the schedule in strictly increasing `at` order';
export const emptySchedule = () => 'schedule is empty';

// ---- references ------------------------------------------------------------------------

export const unknownService = (name: string) => `unknown service ${q(name)}`;
export const unknownServiceHint = (suggestion: string | undefined, known: readonly string[]) =>
  didYouMean(suggestion, 'known services', known);
export const unknownZone = (name: string) => `unknown zone ${q(name)}`;
export const unknownZoneHint = (suggestion: string | undefined, known: readonly string[], declared: boolean) =>
  declared
    ? didYouMean(suggestion, 'known zones', known)
    : `${didYouMean(suggestion, 'known zones', known)} (no zones are declared, so the only zone is "default"; declare zones at the top level)`;
export const unreachableService = (name: string) => `service ${q(name)} is not reached from any entry point`;
export const unreachableServiceHint = () =>
  'it will get no traffic: call it from another service, add an entry point that targets it, or remove it';
export const callDepth = (entry: string, depth: number, chain: readonly string[], max: number) =>
  `a request of "${entry}" nests ${depth} calls deep (${chain.join(' → ')}); meshtax simulates at most ${max}`;
export const callDepthHint = () =>
  'real call chains are a few dozen deep at most: shorten the chain, or model a run of alike services as one with their summed service time';
/** A count in words a reader takes in: grouped digits, or three significant ones past 10¹⁵. */
const count = (n: number) => (n < 1e15 ? n.toLocaleString('en-US') : n.toPrecision(3));
export const callFanOut = (entry: string, total: number, service: string, own: number, max: number) =>
  `a request of "${entry}" can make ${count(total)} calls, with its calls fanning out at "${service}" ` +
  `(each call to it is ${count(own)} in all); meshtax simulates at most ${count(max)} a request`;
export const callFanOutHint = () =>
  'check for a call listed more times than meant, or model a wide fan-out as fewer calls with more work each';
export const unprintableName = (what: string, name: string, ch: string) =>
  `${what} holds an unprintable character (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}): ${quoted(name)}`;
export const unprintableNameHint = () =>
  'names are printed in tables, CSV and the report\'s diagram: use letters, digits and punctuation (a YAML "\\x01" escape writes a control character)';
export const invisibleInName = (what: string, name: string, ch: string, visible: string) =>
  `${what} holds an invisible character (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}): ${quoted(name)} ` +
  `prints the same as ${quoted(visible)}`;
export const invisibleInNameHint = () =>
  'remove it: tables, CSV and the report could not tell this name from the one without it (text copied from a web page or a word processor can bring one in)';
export const spaceAroundName = (what: string, name: string) =>
  `${what} ${quoted(name)} starts or ends with a space: tables would show it as ${quoted(name.trim())}`;
export const spaceAroundNameHint = () => 'remove the space (quotes in YAML keep one that would otherwise be dropped)';
export const lookalikeName = (kind: string, name: string, like: string, difference: string) =>
  `${kind} ${quoted(name)} reads the same as ${kind} ${quoted(like)} (they differ at ${difference}): tables and charts would show two ${kind === 'entry point' ? 'entry points' : `${kind}s`} a reader takes for one`;
export const lookalikeNameHint = (kind: string) =>
  `if they are one ${kind}, use one spelling (a letter from another alphabet can come in with pasted text); if two, give them names that differ visibly`;
export const callCycle = (cycle: readonly string[]) => `call cycle: ${cycle.join(' → ')}`;
export const callCycleHint = () =>
  'each request would call itself forever; break the cycle so that the calls form a tree';

// ---- nodes ---------------------------------------------------------------------------------

export const unknownNode = (name: string) => `unknown node ${q(name)}`;
export const unknownNodeHint = (suggestion: string | undefined, known: readonly string[], declared: boolean) =>
  declared
    ? didYouMean(suggestion, 'known nodes', known)
    : `${didYouMean(suggestion, 'known nodes', known)} (no nodes are declared, so each zone has one node named <zone>-node; declare nodes at the top level)`;
export const serviceNodeOutsideZones = (node: string, zone: string, zones: readonly string[]) =>
  `node ${q(node)} is in zone ${q(zone)}, which is not one of the service's zones (${list(zones)})`;
export const serviceNodeOutsideZonesHint = (zone: string) =>
  `pin the service to nodes of its zones, or add ${q(zone)} to its zones`;
export const entryNodeOutsideZone = (node: string, nodeZone: string, zone: string) =>
  `node ${q(node)} is in zone ${q(nodeZone)}, not in the entry point's zone ${q(zone)}`;
export const entryNodeOutsideZoneHint = (nodeZone: string, candidates: readonly string[]) =>
  candidates.length > 0
    ? `pick a node of the entry point's zone (${list(candidates)}), or set zone: ${nodeZone}`
    : `set zone: ${nodeZone}, or pick a node of the entry point's zone`;
export const duplicateNode = (node: string) => `node ${q(node)} is listed twice`;
export const duplicateNodeHint = () => 'a replica placement lists each node once; remove the repeated one';
export const zoneWithoutNodes = (zone: string) => `zone ${q(zone)} has no nodes`;
export const zoneWithoutNodesHint = (zone: string) =>
  `once nodes are declared every zone needs one: add e.g. ${zone}-node: {zone: ${zone}}, or remove the zone`;
export const emptyNodesHint = (zone: string) => `declare at least one node in each zone, e.g. ${zone}-node: {zone: ${zone}}, or remove the key for one node per zone`;
export const emptyNodeListHint = () => "list at least one node, or remove the key to use every node of the service's zones";
export const coresHint = () => 'cores is the number of CPU cores of the node, at least 1';

// ---- costs -----------------------------------------------------------------------------------

export const priceHint = (key: string) =>
  key === 'vcpuHour' ? 'a price in dollars per vCPU-hour, 0 or more, e.g. 0.0416' : 'a price in dollars per GB-hour, 0 or more, e.g. 0.0056';
export const priceTextHint = (key: string) =>
  key === 'vcpuHour' ? 'write dollars per vCPU-hour as a number, 0 or more, e.g. 0.0416 or "$0.0416"' : 'write dollars per GB-hour as a number, 0 or more, e.g. 0.0056 or "$0.0056"';
export const projectPodsHint = (max: number) => `projectPods is the pod count the resource invoice is projected to, from 1 to ${count(max)}`;
export const projectPodsTooLarge = (pods: number, max: number) =>
  `projectPods ${count(pods)} is more pods than one mesh holds (at most ${count(max)}; Kubernetes supports 150,000 in a cluster)`;

// ---- mesh profiles -------------------------------------------------------------------------

export const unknownMeshProfile = (name: string) => `unknown mesh profile ${q(name)}`;
export const unknownMeshProfileHint = (suggestion: string | undefined, known: readonly string[]) =>
  `${didYouMean(suggestion, 'bundled profiles', known)}; or give the path of a profile file ending in .yaml, .yml or .json`;
export const meshListHint = (ref: string) =>
  `--mesh here takes one profile; to run several side by side, use compare: meshtax compare FILE --mesh ${ref}`;
export const topologyNotProfile = () => 'this is a topology (it has services or entry points and no mode), not a mesh profile';
export const topologyNotProfileHint = (bundled: readonly string[]) =>
  `a mesh profile describes a mesh (see topologies/meshes/): give --mesh a bundled name (${bundled.join(', ')}) or such a file`;
export const profileNotTopology = () => 'this is a mesh profile (it has mode and no services), not a topology';
export const profileNotTopologyHint = (file: string) =>
  `run a topology under it: meshtax run TOPOLOGY.yaml --mesh ${file}, or check it with meshtax validate TOPOLOGY.yaml --mesh ${file} (in the topology's own mesh:, a path is relative to the topology's directory)`;
export const resultsNotTopology = () => 'this is a results file written by meshtax run or compare (it starts with meshtax: {version, format}), not a topology';
export const resultsNotTopologyHint = (file: string) => `render it with meshtax report ${file}; run the topology it came from (its name is under topology:)`;
export const topologyNotResults = () => 'this is a topology (it has services or entry points), not results: a report is made from the results of running one';
export const topologyNotResultsHint = (file: string) =>
  `run it with a report: meshtax run ${file} --report out/report.html, or meshtax compare ${file} --report out/compare.html (-o FILE.json saves results for meshtax report)`;
export const profileNotResults = () => 'this is a mesh profile (it has mode and no services), not results';
export const profileNotResultsHint = (file: string) => `run a topology under it with a report: meshtax run TOPOLOGY.yaml --mesh ${file} --report out/report.html`;
export const sweepNotResults = () => 'this is a sweep file (it has grid or points and no services), not results';
export const sweepNotResultsHint = (file: string) => `run the sweep with a report: meshtax sweep TOPOLOGY.yaml --sweep ${file} -o out/sweep.ndjson --report out/sweep.html`;
const KIND_NOUN: Record<FileKind, string> = { topology: 'a topology', profile: 'a mesh profile', sweep: 'a sweep file' };
export const htmlNotKind = (kind: FileKind) => `this is an HTML page (a meshtax report?), not ${KIND_NOUN[kind]}`;
export const htmlNotKindHint = () => 'open it in a browser; give meshtax the YAML or JSON file it was made from';
export const htmlNotResults = () => 'this is an HTML page (a meshtax report?), not results';
export const htmlNotResultsHint = () =>
  'open it in a browser; meshtax report makes such a page from results: the JSON of meshtax run or compare -o FILE.json, or a sweep\'s NDJSON';
export const sweepResultsNotKind = (kind: FileKind) => `this is a sweep's results (NDJSON, one run a line, as meshtax sweep writes them), not ${KIND_NOUN[kind]}`;
export const sweepResultsNotKindHint = (file: string) => `render them with meshtax sweep-report ${file}`;
export const sweepNotTopology = () => 'this is a sweep file (it has grid or points and no services), not a topology';
export const sweepNotTopologyHint = (file: string) => `give it to a sweep beside a topology: meshtax sweep TOPOLOGY.yaml --sweep ${file}`;
export const resultsNotProfile = () => 'this is a results file written by meshtax run or compare (it starts with meshtax: {version, format}), not a mesh profile';
export const resultsNotProfileHint = (file: string, bundled: readonly string[]) =>
  `render it with meshtax report ${file}; give --mesh a bundled name (${bundled.join(', ')}) or a profile file (see topologies/meshes/)`;
export const sweepNotProfile = () => 'this is a sweep file (it has grid or points and no services), not a mesh profile';
export const sweepNotProfileHint = (file: string) => `give it to a sweep: meshtax sweep TOPOLOGY.yaml --sweep ${file}`;
export const topologyNotSweep = () => 'this is a topology (it has services or entry points), not a sweep file';
export const topologyNotSweepHint = (file: string) =>
  `the topology is sweep's first argument: meshtax sweep ${file} --sweep SWEEP.yaml (a sweep file holds grid:, points:, repeat: and seed:)`;
export const profileNotSweep = () => 'this is a mesh profile (it has mode and no services), not a sweep file';
export const profileNotSweepHint = () =>
  'sweep over it as a mesh: grid: {mesh: [none, PROFILE.yaml]} in a sweep file, or --set mesh=none,PROFILE.yaml, its path relative to the topology file\'s directory';
export const resultsNotSweep = () => 'this is a results file written by meshtax run or compare (it starts with meshtax: {version, format}), not a sweep file';
export const resultsNotSweepHint = (file: string) => `render it with meshtax report ${file}; a sweep file holds grid:, points:, repeat: and seed:`;
export const profilePathHint = (baseDir: string) =>
  baseDir === '.' || baseDir === ''
    ? 'check the path; it is relative to the current directory'
    : `check the path; it is relative to ${q(baseDir)}, the topology file's directory`;
export const mtlsWithoutProxies = () => 'true has no effect under mode none: with no proxies there is no mTLS, and the run has it off';
export const mtlsWithoutProxiesHint = () =>
  'write enabled: false (the bundled none profile keeps its numbers that way), or give the profile a data plane: mode sidecar or ambient';
export const mtlsOverrideWithoutProxies = (profile: string) =>
  `true has no effect under profile "${profile}" (mode none): with no proxies there is no mTLS, and the run has it off`;
export const mtlsOverrideWithoutProxiesHint = () => 'to price mTLS, name a profile with a data plane (mesh: {profile: istio-sidecar, …}), or leave mtls out';
export const controlPlaneResourcesWithoutMesh = () => 'has no effect under mode none: with no mesh there is no control plane to charge, and the invoice has none';
export const controlPlaneResourcesOverrideWithoutMesh = (profile: string) =>
  `has no effect under profile "${profile}" (mode none): with no mesh there is no control plane to charge, and the invoice has none`;
export const controlPlaneResourcesWithoutMeshHint = () => 'leave resources out, or price a mesh: a profile of mode sidecar or ambient';
export const emptyProfileNameHint = () => 'give the profile a name; reports show it';
export const blockNotApplicable = (key: string, mode: string) => `${key} does not apply to mode ${mode}`;
export const blockNotApplicableHint = (key: string, mode: string) => {
  if (mode === 'none') return `mode none has no data plane: remove ${key}, or set the mode that has one`;
  if (key === 'sidecar') return 'a sidecar is the proxy in every pod of mode sidecar; an ambient profile describes its per-node proxy under nodeProxy';
  if (key === 'nodeProxy') return 'nodeProxy is the per-node proxy of mode ambient; a sidecar profile describes its proxy under sidecar';
  if (key === 'waypoint') return 'a waypoint is the L7 proxy of mode ambient; in mode sidecar every sidecar already works at L7, so remove it';
  if (key === 'nodeProxyLayer') return 'nodeProxyLayer says what the per-node proxy of mode ambient handles (l4 or l7); a sidecar works at L7 already, so remove it';
  if (key === 'nodeProxyTraffic') return 'nodeProxyTraffic says which calls the per-node proxy of mode ambient carries; a sidecar carries every call of its pod, so remove it';
  return `remove ${key}`;
};
/** nodeProxyTraffic: l7 where the node proxy works at L4: ztunnel carries every call, L7 or not. */
export const nodeProxyTrafficNeedsL7 = (profile: string) =>
  `nodeProxyTraffic: l7 needs a node proxy that works at L7 (nodeProxyLayer: l7, as Cilium's Envoy); ${profile === '' ? 'this profile' : `profile "${profile}"`} has an L4 node proxy, which carries every call`;
export const nodeProxyTrafficNeedsL7Hint = () =>
  'remove nodeProxyTraffic: an L4 node proxy (ztunnel) carries every call and sends those to services with l7: true on to a waypoint';
export const modeNeeds = (mode: string, key: string) => `mode ${mode} needs ${key}`;
export const modeNeedsHint = (key: string) => {
  if (key === 'mtls') {
    return 'add mtls: {enabled, handshakeCpu, resumeCpu, handshakeRoundTrips, resumeRoundTrips, resumption, perKB, idleTimeout, streamsPerConnection}; enabled: false runs without it';
  }
  if (key === 'sources') return sourcesHint();
  const what = key === 'sidecar' ? 'the proxy in every pod' : 'the proxy on every node';
  return `add ${key}: ${what}, with workers, requestCost, responseCost, perKB, telemetryCost, idleCpu and memory`;
};
export const sourcesHint = () =>
  'cite where the numbers come from, one string each, e.g. "Istio 1.24 docs, Performance and scalability: 0.20 vCPU and 60 MB per sidecar at 1000 RPS"';
export const emptySource = () => 'a source is empty';
export const proxyWorkersHint = () => 'workers is the number of the proxy\'s worker threads, at least 1';
export const proxyReplicasHint = () => 'replicas is the number of proxy pods, at least 1';
export const terminationDrainHint = () =>
  "terminationDrain is how long the sidecar keeps accepting connections once its pod is deleted, 0s or more: Istio's terminationDrainDuration is 5s by default; Linkerd's proxy refuses new requests at once (0s, or its proxy-wait-before-exit-seconds)";
export const idleCpuHint = () => 'idleCpu is the background CPU of an idle proxy in vCPU, 0 or more, e.g. 0.003';
export const controlPlaneIdleCpuHint = () => "idleCpu is the control plane's CPU while nothing changes, in vCPU, 0 or more, e.g. 0.01";
export const controlPlaneCpuHint = () => 'CPU-seconds as a duration, 0 or more, e.g. 300us per proxy a push reaches or 2ms per certificate';
export const roundTripsHint = () => 'round trips are counted in whole numbers, 0 to 100: TCP takes 1, a TLS 1.3 handshake 1 more';
export const streamsHint = () => 'requests one connection carries at once, at least 1: 1 for HTTP/1.1, 100 or more for HTTP/2';
export const overrideNotApplicable = (key: string, profile: string, mode: string) =>
  `${key} does not apply to profile ${q(profile)} (mode ${mode})`;
export const overrideNotApplicableHint = (profile: string, present: readonly string[]) =>
  `overrides change what the profile has (${q(profile)} has ${present.length > 0 ? list(present) : 'no proxies and no mtls'}); for another data plane name another profile, or write a profile file of your own`;

export const placementWithoutProxy = (mode: string) => `placement mesh does not apply to mode ${mode}`;
export const placementWithoutProxyHint = () =>
  'mode none has no proxy to run the policy in: write placement: client (the client library of each application)';
export const placementOverrideWithoutProxy = (profile: string) => `placement mesh does not apply to profile ${q(profile)} (mode none)`;

// ---- control plane ---------------------------------------------------------------------------

export const certificateTtlHint = () => 'the lifetime of a workload certificate, at least 1s; Istio issues them for 24h';
export const renewRetryHint = () => 'how long a failed renewal waits before it tries again, at least 1ms, e.g. 10s';
export const renewHint = () =>
  'renewal starts at renewAt × the lifetime plus up to renewJitter × the lifetime at random (Istio: 0.5 and a little jitter); renewAt is in (0, 1], renewJitter in [0, 1), and together at most 1';
export const debounceOrder = (max: string, debounce: string) => `debounceMax (${max}) is less than debounce (${debounce}): a push would start at debounceMax, so the debounce would have no effect`;
export const debounceOrderHint = () =>
  'a push starts debounce after the last change and at most debounceMax after the first, so debounceMax must be at least debounce (Istio: 100ms and 10s; Linkerd and Cilium push at once: 0s and 0s — to debounce them, set debounceMax too)';
export const renewalTooLate = (renewAt: number, jitter: number) =>
  `renewAt + renewJitter is ${+(renewAt + jitter).toFixed(6)} (${renewAt} + ${jitter}), more than 1: a certificate could expire before its renewal starts`;

// ---- resilience -----------------------------------------------------------------------------

export const timeoutHint = (key: string) =>
  key === 'timeout'
    ? 'a deadline for the whole call, retries included, greater than 0 (e.g. 2s), or none for no deadline'
    : 'a deadline for each try, greater than 0 (e.g. 300ms), or none for no deadline';
export const failFastAfterHint = () => "how long the proxy holds a request with no endpoint ready before failing it: 0 to fail at once (Envoy), or linkerd2-proxy's 3s";
export const connectTimeoutHint = () => "how long a connection attempt may take before it fails, greater than 0 (Envoy's default is 10s)";
export const attemptsHint = () => 'attempts counts every try, the first included: 3 is the first try and 2 retries; for no retries write retries: none';
export const backoffOrder = (max: string, base: string) => `backoff max (${max}) is less than base (${base})`;
export const backoffOrderHint = () => 'the back-off bound starts at base and doubles per retry up to max, so max must be at least base (Envoy: 25ms and 250ms)';
export const grpcRetryCondition = () => "unavailable is gRPC's UNAVAILABLE status (14), as in Envoy's retry_on; an HTTP service never answers it, so it retries nothing";
export const grpcRetryConditionHint = () => 'to retry a 503 write retriable-status (or 5xx for any 5xx); Istio lists unavailable for its gRPC traffic';
export const emptyRetryOnHint = () => 'list the failures that are retried, e.g. [connect-failure, 5xx]; to turn retries off write retries: none';
export const budgetRatioHint = () => 'ratio is a fraction of the calls that retries may add: 0.2 lets them add 20 % (Linkerd\'s default)';
export const largeBudgetRatio = (ratio: number) => `a budget ratio of ${ratio} lets retries add ${+(ratio * 100).toFixed(2)} % to the calls`;
export const minPerSecondHint = () => 'retries allowed per second whatever the ratio, 0 or more (Linkerd: 10)';
export const maxConcurrentRetriesHint = () => "retries in flight at once to the service, at least 1 (Envoy's default is 3), or none for no limit (Istio's)";
export const circuitBreakerHint = () => "circuit breaker thresholds are counts: maxConnections and maxRequests at least 1, maxPending 0 or more (Envoy's defaults are 1024)";
export const consecutive5xxHint = () => 'consecutive 5xx responses from a host before it is ejected, at least 1 (Envoy: 5)';
export const maxEjectionPercentHint = () => "a percentage of the service's hosts, from 0 to 100 (Envoy: 10)";
export const minHealthPercentHint = () => "a percentage of the service's hosts, from 0 to 100 (Istio: 0, no panic mode; Envoy's own default: 50)";
export const orNoneHint = (unitHint: string) => `${unitHint}; or none for no limit`;
/** A value the file did not set, as the merged policy has it. */
export const inherited = (text: string, profile?: string) => (profile === undefined ? `${text}, not set here` : `${text} from profile "${profile}", not set here`);

// ---- the timeline -----------------------------------------------------------------------------

const eventList = (keys: readonly string[]) => list(keys);
export const noEvent = () => 'this timeline entry has no event';
export const noEventHint = (keys: readonly string[]) => `add one event to it: ${eventList(keys)}`;
export const severalEvents = (keys: readonly string[]) => `a timeline entry holds one event, this one has ${keys.length}: ${keys.join(', ')}`;
export const severalEventsHint = (keys: readonly string[]) =>
  `give each event an entry of its own; entries may share \`at\` and \`until\`. Events: ${eventList(keys)}`;
const eventNoun = (key: string) =>
  ({ rollout: 'a rollout', scale: 'a scale', policyChange: 'a policy change' } as Record<string, string>)[key] ?? key;
export const untilNotApplicable = (key: string) => `until does not apply to ${eventNoun(key)}`;
export const untilNotApplicableHint = (key: string) =>
  key === 'policyChange'
    ? 'a policy change happens once, at `at`, and is pushed like any change; remove until'
    : `${eventNoun(key)} happens once, at \`at\`, and takes as long as its pods need; remove until`;
export const untilNotAfterAt = (until: string, at: string) => `until (${until}) must come after at (${at})`;
export const untilNotAfterAtHint = () => 'a fault lasts from at to until; leave until out for one that lasts to the end of the run';
export const eventAfterRun = (key: string, at: string, run: string) => `${key} at ${at} comes after the end of the run (${run})`;
export const scheduleAfterRunHint = () => 'the load never reaches this rate; make the run longer (simulation.duration, or --duration), or start the rate earlier';
export const eventAfterRunHint = () => 'it will not happen; make the run longer (simulation.duration, or --duration), or move the event earlier';
export const badPodBudget = (key: string, got: string) => `${key} ${got} is neither a whole number of pods nor a whole percentage`;
export const unavailableOver100 = (got: string) => `maxUnavailable ${got} is more than all the replicas`;
export const podBudgetHint = (key: string) =>
  key === 'maxSurge'
    ? 'a whole number of pods (1) or a whole percentage of the replicas (25%, rounded up), as a Deployment takes it'
    : 'a whole number of pods (0) or a whole percentage of the replicas from 0% to 100% (25%, rounded down), as a Deployment takes it';
export const bothBudgetsZero = () => 'maxSurge and maxUnavailable are both 0: the rollout could neither add a pod nor take one away';
export const bothBudgetsZeroHint = () =>
  'Kubernetes refuses this too; maxSurge: 1 with maxUnavailable: 0 replaces one pod at a time and never runs below the replicas';
export const scaleReplicasHint = () => 'the number of replicas after scaling, 0 or more';
export const statusRange = (status: number) => `status ${status} is not an HTTP error status from 400 to 599: an abort fails the request`;
export const statusHint = () => 'an abort returns an HTTP status instead of doing the work, e.g. 503 (the default) or 500';
export const faultProbabilityHint = () => 'a probability is a fraction from 0 to 1: 0.1 affects 10 % of requests (the default 1, all of them)';
export const slowdownFactorHint = () =>
  'factor multiplies the CPU time of the work, from 0.001 to 1000000: 2 makes it take twice as long, 0.5 twice as fast';
export const serviceAndReplica = () => 'service and replica are both given';
export const serviceAndReplicaHint = () => 'keep one: service for every replica of a service, replica for one of them (e.g. reviews-0)';
export const missingTarget = (key: string) => `${key} needs a target: service or replica`;
export const missingTargetHint = (example: string) =>
  `add service: <name> for every replica of a service, or replica: <service>-<ordinal> for one, e.g. replica: ${example}`;
export const notAReplica = (name: string) => `${q(name)} is not a replica name`;
export const notAReplicaHint = (name: string, isService: boolean) =>
  isService
    ? `for every replica of ${name} write service: ${name}; for one of them, replica: ${name}-0`
    : 'name a replica <service>-<ordinal>, counting from 0 without leading zeros, e.g. reviews-0 or reviews-10';
export const unknownReplicaService = (service: string, replica: string) => `unknown service ${q(service)} in replica ${q(replica)}`;
export const noSuchReplica = (replica: string, service: string, count: number, scaled: { at: string } | undefined) => {
  const names = count === 0 ? 'none' : count === 1 ? `${service}-0` : `${service}-0 to ${service}-${count - 1}`;
  const replicas = count === 1 ? '1 replica' : `${count} replicas`;
  const when = scaled === undefined ? '' : `, after the scale at ${scaled.at}`;
  return `replica ${q(replica)} does not exist: ${service} has ${replicas}${when} (${names})`;
};
export const noSuchReplicaHint = (service: string, count: number) =>
  count === 0
    ? `${service} has been scaled to 0; target the replica before that, or after a scale up`
    : `replicas are numbered from 0 to replicas − 1; pick one of them, or give ${service} more replicas (or scale it up earlier on the timeline)`;
export const zonesAndServices = () => 'zones and services are both given';
export const zonesAndServicesHint = () => 'a partition cuts two zones apart, or two services: keep one, and add another entry for the other';
export const missingPartition = () => 'partition needs zones or services';
export const missingPartitionHint = () => 'add zones: [zone-a, zone-b] to cut two zones apart, or services: [a, b] to cut two services apart';
export const partitionCount = (kind: string, count: number) => `a partition is between two ${kind}, got ${count}`;
export const partitionCountHint = (kind: string) =>
  `list two different ${kind}; to cut one off from several, add an entry per pair (they may share at and until)`;
export const partitionSelf = (name: string) => `a partition between ${q(name)} and itself`;
export const rootAndTarget = (key: string) => `root and ${key} are both given`;
export const rootAndTargetHint = (key: string) =>
  `root: true expires the mesh's root CA, which every workload certificate chains to; for the certificates of one ${key === 'service' ? 'service' : 'replica'}, remove root`;
export const missingExpiryTarget = () => 'certificateExpiry needs root: true, a service or a replica';
export const missingExpiryTargetHint = (example: string) =>
  `add root: true for the mesh's root CA, service: <name> for a service's certificates, or replica: <service>-<ordinal> for one pod's, e.g. replica: ${example}`;
export const noEffect = (key: string, at: string, profile: string, why: string) => `${key} at ${at} has no effect under profile ${q(profile)}: ${why}`;
export const noProxies = () => 'it has no proxies';
export const noMtls = () => 'mTLS is off';
export const nodeScopeNotApplicable = (mode: string) => `mtls.scope: node does not apply to mode ${mode}: only node proxies (mode ambient) share a tunnel per pair of nodes`;
export const nodeScopeNotApplicableHint = () => 'leave scope out (workload): a sidecar secures its own pod\'s connections';
export const sameNodeUnset = () =>
  'network.sameNode is not set, so it is sameZone: under a mesh every redirect between a pod and its own proxy (several a hop) then costs a trip between machines';
export const sameNodeUnsetHint = () => 'set network.sameNode to a trip through one machine\'s kernel, e.g. sameNode: 15us';
export const noPodCertificates = () => 'its encryption is a tunnel per pair of nodes (mtls.scope: node), which holds no pod certificates';
export const noMeshControlPlane = () => 'it has no mesh control plane (the clients\' own discovery does not depend on one)';
export const noEffectHint = () => 'the event is kept for the profiles where it applies (compare runs the same timeline under each)';
export const ingressWaypointWithoutL7 = (service: string) =>
  `ingressUseWaypoint of ${q(service)} has no effect: only services with l7: true have a waypoint to go through`;
export const ingressWaypointWithoutL7Hint = () => 'set l7: true on the service as well, or remove ingressUseWaypoint';
export const ingressWaypointWithoutGateway = (service: string) =>
  `ingressUseWaypoint of ${q(service)} has no effect: no entry point sends to it through the ingress gateway (via: gateway)`;
export const ingressWaypointWithoutGatewayHint = () =>
  'calls from other pods reach an l7 service through its waypoint anyway; the key only changes the gateway\'s calls';
/** `from`: where retryOn comes from when the service does not write it (the profile's, or Istio's default under a profile with no retries). */
export const perTryTimeoutNotRetried = (service: string, perTry: string, retryOn: readonly string[], profile: string, from: 'profile' | 'istio' | undefined) =>
  `a try of ${q(service)} cut by its ${perTry} perTryTimeout is not retried under profile ${q(profile)}: retryOn (${retryOn.join(', ')}` +
  `${from === 'profile' ? ', the profile\'s' : from === 'istio' ? ', Istio\'s default, since the profile has no retries of its own' : ''}) ` +
  `has none of timeout, reset, 5xx, so such a call fails at ${perTry}`;
export const perTryTimeoutNotRetriedHint = () =>
  'to retry it, add timeout (or 5xx) to retryOn, as Envoy\'s retry_on needs; if the try\'s deadline should end the call, this is what it does';
export const l4OnlyPolicy = (service: string, key: string, profile: string, hasWaypoint: boolean) =>
  `resilience.${key} of ${q(service)} has no effect on calls between pods under profile ${q(profile)}: in ambient mode they pass only ` +
  `node proxies (ztunnel, L4)${hasWaypoint ? ` unless the service has l7: true` : ', and the profile has no waypoint'}; it applies to calls from the ingress gateway`;
export const kernelPathPolicy = (service: string, key: string, profile: string) =>
  `resilience.${key} of ${q(service)} has no effect on calls between pods under profile ${q(profile)}: with nodeProxyTraffic: l7 only calls ` +
  'to services with l7: true pass the node proxies; the others take the kernel\'s path, with no request policy; it applies to calls from the ingress gateway';
export const kernelPathPolicyHint = () => 'set l7: true on the service (an L7 policy selects it), or placement: client to run the policy in the client library';
export const l4OnlyPolicyHint = (hasWaypoint: boolean) =>
  hasWaypoint
    ? 'set l7: true on the service so its traffic goes through the waypoint, or placement: client to run the policy in the client library'
    : 'run it under a profile with a waypoint (istio-ambient-waypoint) and set l7: true on the service, or use placement: client to run the policy in the client library';

/** `Number of pods` → `number of pods`; an acronym (`CPU per request`) stays as it is. */
function lowerFirst(text: string): string {
  if (/^[A-Z]{2}/.test(text)) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

// ---- hints for particular values ---------------------------------------------------------

export const exponentialMeanHint = () =>
  'the mean is the average draw and must be positive; for no time at all write 0 instead of a distribution';
export const replicasHint = () => 'replicas is the number of pods, at least 1';
/** `here`: the pods of the place pointed at; when the others add to them, the count says so (replicas: 100000 read "100,001 pods"). */
export const tooManyPods = (pods: number, max: number, here: number = pods) =>
  `${count(pods)} pods${here === pods ? '' : ` in all (${count(here)} here, ${count(pods - here)} in the other services)`} is more than meshtax can simulate (at most ${count(max)}): every pod has state of its own`;
export const tooManyPodsHint = () =>
  'simulate a representative slice of the fleet and set costs.projectPods (or --pods) to project the mesh\'s cost to all of it';
export const tooManyUsers = (users: number, max: number) =>
  `${count(users)} closed-loop users is more than meshtax can simulate (at most ${count(max)}): each has a request of its own`;
export const tooManyUsersHint = () => 'use fewer users with a shorter thinkTime, or an open-loop rate for the same load';
export const workersHint = () => 'workers is how many requests one replica serves at once, at least 1';
export const usersHint = () => 'users is the number of closed-loop clients, at least 1';
export const seedHint = () => 'the seed is a whole number ≥ 0; the same seed gives the same results';
export const durationBesideRequests = (duration: string, requests: string) =>
  `duration ${duration} has no effect: requests: ${requests} ends the run, however long it takes`;
export const durationBesideRequestsHint = () =>
  'keep one of the two; --duration on the command line runs for a time instead of the count';
export const requestsHint = () => 'requests is how many measured requests to complete before stopping, at least 1';
export const sizeNegativeHint = () => 'a size counts bytes, 0 or more';
export const memoryTooLarge = (what: string, text: string) =>
  `${what} ${text} is more than 1TiB, a large machine's memory: multiplied by the endpoints, connections and proxies, the memory tax would read in billions of GB, or ∞`;
export const memoryTooLargeHint = () =>
  'memory is per proxy (or control-plane replica) and per connection, proxy or endpoint it holds, e.g. {base: 56MB, perConnection: 40KB, perEndpoint: 12KB}; at most 1TiB each';
export const payloadTooLarge = (what: string, text: string) => `${what} ${text} is more bytes than meshtax can count (at most 2^53 − 1, about 9 PB)`;
export const payloadTooSlow = (what: string, text: string, bandwidth: string) =>
  `${what} ${text} takes longer than 1e8s (about 3 years) to cross the network at ${bandwidth}: the clock cannot follow it`;
export const payloadHint = () => 'write the size of one request or response, e.g. 8KB; a bare number is bytes';
export const bandwidthTooLow = (text: string) => `bandwidth ${text} is below 1bps: payloads would take longer than the clock can follow`;
export const bandwidthHint = () => 'bandwidth must be positive; leave it out for payloads that cost no time';
export const scheduleRateHint = () => 'a schedule rate may be 0 (a pause) but not negative';
export const sigmaHint = () => 'sigma is the spread of ln(seconds), 0 or more';
export const wrongValue = (got: string, expected: string) => `${got} is not allowed here; expected ${expected}`;
export const outsideRange = (key: string, got: number, range: string) => `${key} ${got} is outside ${range}`;

/** Seconds as a user would write them: 0.025 → 25ms, Infinity → none. */
export function formatSeconds(value: number): string {
  if (value === Infinity) return 'none';
  if (value === 0) return '0s';
  const [scale, unit] = value < 1e-3 ? [1e6, 'us'] : value < 1 ? [1e3, 'ms'] : [1, 's'];
  return `${+(value * scale).toPrecision(6)}${unit}`;
}
export const overridesNotApplied = (keys: string[], own: string, profile: string) =>
  `the file's mesh settings (${keys.join(', ')}) are for ${q(own)}; this run under ${q(profile)} does without them`;
export const overridesNotAppliedHint = (profile: string) =>
  `overrides tune the profile the file names; to run ${q(profile)} with them, name it in the file (mesh: {profile: ${profile}, …})`;
export const zeroTimeLoop = (entry: string, services: readonly string[]) =>
  `the closed-loop users of ${q(entry)} would start request after request at one instant: their think time, ` +
  `the service time of ${services.map(q).join(', ')} and the network all take no time, so the clock cannot move on`;
export const zeroTimeLoopHint = (entry: string) =>
  `give ${q(entry)} a thinkTime above 0, a service a serviceTime above 0, or the network a latency above 0`;
export const accrualIgnores = (service: string, key: string, profile: string) =>
  `${key} of ${q(service)} does nothing under ${q(profile)}: its proxy's failure accrual shuts any share of the hosts, each for its own back-off, with no sweep`;
export const accrualIgnoresHint = () =>
  'kept for profiles whose proxies are Envoys (compare runs the same file under each); under failure accrual consecutive5xx, baseEjectionTime and maxEjectionTime apply';
/** One layer's factor: the tries it makes of a call, `from` a service or (null) the entry point. */
export interface RetryFactor { tries: number; from: string | null; to: string }
export const retryAmplification = (entry: string, tries: number, service: string, factors: readonly RetryFactor[], profile: string, max: number) =>
  `retries multiply across layers under profile ${q(profile)}: one request of ${q(entry)} can make up to ` +
  `${Number.isFinite(tries) ? count(tries) : 'more than 10³⁰⁸'} tries at ${q(service)} when it keeps failing, ` +
  `${factors.map((f) => `${count(f.tries)} (${f.from === null ? 'entry' : q(f.from)} → ${q(f.to)})`).join(' × ')}, ` +
  `more than ${count(max)}: while it fails, every request costs that many simulated tries, and a long run may take hours`;
export const retryAmplificationHint = () =>
  'retry at one layer: set retries: none on the inner services (or the outer ones), give the retries a budget, or fewer attempts';
