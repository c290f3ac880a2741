/**
 * Reading a saved results document back for `meshtax report`: a `run` or a
 * `compare` JSON written by `-o FILE.json`. Checks what the renderer relies
 * on and says what is wrong in a diagnostic, instead of failing later with a
 * TypeError deep in a chart.
 */
import { MAX_RESULTS_BYTES, MAX_SOURCE_BYTES, readCapped, sizeText, type CappedRead } from '../sim/readCapped.js';
import type { CompareResult } from '../sim/compare.js';
import { DiagnosticError, type Diagnostic, type SourceLocation } from '../sim/diagnostics/types.js';
import type { RunResult } from '../sim/results/types.js';
import { LogHistogram, type LogHistogramJSON } from '../sim/stats/histogram.js';
import { RESULTS_FORMAT } from '../sim/version.js';
import { parseSource } from '../sim/topology/document.js';
import * as topologyMsg from '../sim/topology/messages.js';
import { isHtmlPage, notText } from '../sim/topology/fileKind.js';
import type { ReportInput } from './model.js';
import { MAX_LATENCY, MAX_QUANTITY, MAX_RESOURCE, numberProblem } from '../sim/sweep/store.js';

export type ReadResults = { input: ReportInput; diagnostics: [] } | { input?: undefined; diagnostics: Diagnostic[] };

function problem(code: string, message: string, hint: string): ReadResults {
  return { diagnostics: [{ severity: 'error', code, path: [], message, hint }] };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The parts of a run's results that every section of a report reads. */
function looksLikeRun(x: unknown): x is RunResult {
  return isObject(x) && Array.isArray(x.entrypoints) && Array.isArray(x.services) && isObject(x.graph) &&
    isObject(x.resources) && isObject(x.mesh) && isObject(x.settings) && isObject(x.topology);
}

/** Past this, broken JSON that opens like results is not parsed again as YAML to name its kind. */
const YAML_SNIFF_BYTES = 1 << 20;

export function parseResults(text: string, file: string): ReadResults {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // A topology, a mesh profile or a sweep file (YAML) given in place of results: say which, as validate does the other way round.
    // Not for text that starts as results JSON does (a truncated results file): the YAML parser over tens of MB took 3× the time and memory.
    const other = /^\s*\{/.test(text.slice(0, 64)) && text.length > YAML_SNIFF_BYTES ? undefined : otherKind(parseSource(text, file, 'topology').value, file);
    if (other) return other;
    // `meshtax report out/x.html`: the page a report writes, given back to it as its input.
    if (isHtmlPage(text)) {
      return problem('wrong-kind-of-file', `${file}: ${topologyMsg.htmlNotResults()}`, topologyMsg.htmlNotResultsHint());
    }
    // At its place, as a topology's syntax error is: file:line:column before the message.
    const d: Diagnostic = { severity: 'error', code: 'bad-results', path: [], message: `not valid JSON (${(e as Error).message})`,
      hint: 'write results with `meshtax run … -o FILE.json` or `meshtax compare … -o FILE.json`' };
    const location = jsonErrorPlace(text, (e as Error).message, file);
    return { diagnostics: [location ? { ...d, location } : { ...d, message: `${file}: ${d.message}` }] };
  }
  return checkResults(doc, file);
}

/**
 * Whether `doc` is a results document the report can render, `label` naming
 * it in the message: the file it came from, or what a library caller passed.
 */
export function checkResults(doc: unknown, label: string): ReadResults {
  if (!isObject(doc) || !isObject(doc.meshtax)) {
    const other = otherKind(doc, label);
    if (other) return other;
    return problem('bad-results', `${label}: not a meshtax results document (no "meshtax" version block)`,
      'write results with `meshtax run … -o FILE.json` or `meshtax compare … -o FILE.json`');
  }
  const format = doc.meshtax.format;
  if (format !== RESULTS_FORMAT) {
    return problem('results-format', `${label}: results format ${JSON.stringify(format)}, but this meshtax reads format ${RESULTS_FORMAT}`,
      'run the simulation again with this version of meshtax, or render with the version that wrote the file');
  }
  if (doc.kind === 'compare') {
    const runs = doc.runs;
    if (!Array.isArray(runs) || runs.length === 0 || !runs.every(looksLikeRun) || !Array.isArray(doc.invoice)) {
      return problem('bad-results', `${label}: a compare document without complete "runs" and "invoice"`, 'was the file cut short or edited?');
    }
    for (const [i, run] of runs.entries()) {
      const wrong = runNumbersProblem(run);
      if (wrong) return problem('bad-results', `${label}: runs[${i}]: ${wrong}`, EDITED_HINT);
    }
    // The runs passed looksLikeRun and the invoice is an array: enough of a CompareResult for invoiceMismatch,
    // which checks each invoice row itself before it reads it.
    const stale = invoiceMismatch(doc as unknown as CompareResult);
    if (stale) {
      return problem('bad-results', `${label}: the invoice disagrees with the runs (${stale})`, 'was the file edited? write it again with `meshtax compare … -o FILE.json`');
    }
    return { input: doc as unknown as CompareResult, diagnostics: [] };
  }
  if (!looksLikeRun(doc)) {
    return problem('bad-results', `${label}: neither a run nor a compare results document`, 'reports are made from `run` and `compare` results');
  }
  const wrong = runNumbersProblem(doc);
  if (wrong) return problem('bad-results', `${label}: ${wrong}`, EDITED_HINT);
  return { input: doc, diagnostics: [] };
}

const EDITED_HINT = 'was the file edited? write it again with `meshtax run … -o FILE.json` or `meshtax compare … -o FILE.json`';

/**
 * What is wrong with the numbers a report shows of a run, as "where why", or
 * undefined: each a number ≥ 0 within what a run gives, null only where a
 * run saves NaN (a rate or latency of nothing measured) — as sweep results
 * are held to (bad-summary). An edited p99 of "x" showed as "–", and a mean
 * of -1e308 as "-1.1574074074074075e+303d", without a word.
 */
function runNumbersProblem(run: RunResult): string | undefined {
  const check = (where: string, x: unknown, max: number, nullable: boolean, integer = false): string | undefined => {
    // Results handed over in code (reportModel, renderHtmlReport) hold NaN where a saved file holds null.
    const why = nullable && Number.isNaN(x) ? undefined : numberProblem(x, max, nullable, integer);
    return why === undefined ? undefined : `${where} ${why}`;
  };
  for (const [i, e] of (run.entrypoints as unknown[]).entries()) {
    if (!isObject(e)) return `entrypoints[${i}] is not an object`;
    const at = `entrypoints[${i}]${typeof e.name === 'string' ? ` (${JSON.stringify(e.name)})` : ''}`;
    for (const k of ['completed', 'succeeded', 'failed'] as const) {
      const why = check(`${at}.${k}`, e[k], MAX_QUANTITY, false, true);
      if (why) return why;
    }
    for (const k of ['errorRate', 'throughput'] as const) {
      const why = check(`${at}.${k}`, e[k], MAX_QUANTITY, true);
      if (why) return why;
    }
    // The latency charts rebuild each histogram: one edited or cut stopped the report with an internal error.
    const histogram = histogramProblem(e.histogram);
    if (histogram) return `${at}.histogram ${histogram}`;
    const why = latencyProblem(`${at}.latency`, e.latency, check);
    if (why) return why;
  }
  // The services table and charts show these as the entry points' are shown: an edited one passed unseen.
  for (const [i, s] of (Array.isArray(run.services) ? run.services as unknown[] : []).entries()) {
    if (!isObject(s)) return `services[${i}] is not an object`;
    const at = `services[${i}]${typeof s.name === 'string' ? ` (${JSON.stringify(s.name)})` : ''}`;
    for (const k of ['arrivals', 'rejected', 'failed', 'calls', 'retries', 'retryCalls'] as const) {
      // Results written before a service's failures and retry calls were counted have neither.
      if ((k === 'failed' || k === 'retryCalls') && s[k] === undefined) continue;
      const why = check(`${at}.${k}`, s[k], MAX_QUANTITY, false, true);
      if (why) return why;
    }
    for (const k of ['throughput', 'utilization', 'waitProbability', 'meanQueueWait', 'meanInSystem'] as const) {
      const why = check(`${at}.${k}`, s[k], MAX_QUANTITY, true);
      if (why) return why;
    }
    const why = latencyProblem(`${at}.latency`, s.latency, check);
    if (why) return why;
  }
  const r = run.resources as unknown;
  if (!isObject(r)) return 'resources is not an object';
  for (const k of ['appVcpu', 'proxyVcpu', 'proxyMemoryGB', 'proxyCostPerMonth', 'meshCostPerMonth'] as const) {
    if (r[k] === undefined && k === 'meshCostPerMonth') continue;
    const why = check(`resources.${k}`, r[k], MAX_RESOURCE, true);
    if (why) return why;
  }
  return undefined;
}

type NumberCheck = (where: string, x: unknown, max: number, nullable: boolean, integer?: boolean) => string | undefined;

/** What is wrong with a latency summary's quantiles and their intervals, as "where why", or undefined. */
function latencyProblem(at: string, latency: unknown, check: NumberCheck): string | undefined {
  if (!isObject(latency)) return `${at} is not an object`;
  for (const k of ['mean', 'min', 'max', 'p50', 'p90', 'p99', 'p999'] as const) {
    const why = check(`${at}.${k}`, latency[k], MAX_LATENCY, true);
    if (why) return why;
  }
  const ci = latency.ci;
  if (!isObject(ci)) return `${at}.ci is not an object`;
  for (const k of ['mean', 'p50', 'p90', 'p99', 'p999'] as const) {
    const interval = ci[k];
    // As in sweep results: an interval of nothing measured is null, or [null, null].
    if (interval === null || interval === undefined) continue;
    if (!Array.isArray(interval) || interval.length !== 2) return `${at}.ci.${k} is not [low, high] or null`;
    const why = check(`${at}.ci.${k}[0]`, interval[0], MAX_LATENCY, true) ?? check(`${at}.ci.${k}[1]`, interval[1], MAX_LATENCY, true);
    if (why) return why;
  }
  return undefined;
}

/** Why a saved latency histogram cannot be read back as the charts read it, or undefined. */
function histogramProblem(json: unknown): string | undefined {
  try {
    LogHistogram.fromJSON(json as LogHistogramJSON);
    return undefined;
  } catch (e) {
    return `is not as meshtax writes it (${(e as Error).message.replace(/^LogHistogram\.fromJSON: /, '')})`;
  }
}

/**
 * A meshtax file of another kind than results, told by its keys as
 * loadParsedTopology tells results given as a topology: a diagnostic saying
 * what it is and what to do with it, or undefined.
 */
function otherKind(doc: unknown, label: string): ReadResults | undefined {
  if (!isObject(doc) || 'meshtax' in doc) return undefined;
  const services = 'services' in doc || 'entrypoints' in doc;
  const [message, hint] =
    services ? [topologyMsg.topologyNotResults(), topologyMsg.topologyNotResultsHint(label)]
      : 'mode' in doc ? [topologyMsg.profileNotResults(), topologyMsg.profileNotResultsHint(label)]
        : 'grid' in doc || 'points' in doc ? [topologyMsg.sweepNotResults(), topologyMsg.sweepNotResultsHint(label)]
          : [undefined, undefined];
  return message === undefined ? undefined : problem('wrong-kind-of-file', `${label}: ${message}`, hint);
}

/** How a library caller's results are named in a diagnostic (the CLI names the file instead). */
export const GIVEN_RESULTS = 'the results given to the report';

/**
 * What rendering results that passed checkResults threw, as the caller
 * should see it: a TypeError from inside a chart means a value deeper in
 * the document is missing or of the wrong kind (edited, or cut short), a
 * DiagnosticError saying so; anything else unchanged.
 */
export function lackingValue(e: unknown, label: string = GIVEN_RESULTS): unknown {
  if (!(e instanceof TypeError)) return e;
  return new DiagnosticError([{
    severity: 'error', code: 'bad-results', path: [],
    message: `${label}: the results lack a value the report reads (${e.message})`,
    hint: 'was the file cut short or edited? write it again with `meshtax run … -o FILE.json` or `meshtax compare … -o FILE.json`',
  }]);
}

/** Where a JSON.parse error that gives a character position is, else undefined. */
function jsonErrorPlace(text: string, message: string, file: string): SourceLocation | undefined {
  const m = /at position (\d+)/.exec(message);
  if (!m) return undefined;
  const at = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, at);
  const start = before.lastIndexOf('\n') + 1;
  const end = text.indexOf('\n', at);
  return { file, line: before.split('\n').length, column: at - start + 1, lineText: text.slice(start, end < 0 ? undefined : end) };
}

/** `preread`: the file's bytes when the caller has read them already (a pipe can be read only once). */
export function readResultsFile(file: string, preread?: CappedRead): ReadResults {
  let text: string;
  try {
    // Capped: a device or a pipe (a symlink to /dev/zero) would be read until memory runs out.
    const { bytes, tooLarge } = preread ?? readCapped(file, MAX_RESULTS_BYTES, MAX_SOURCE_BYTES);
    if (tooLarge !== undefined) {
      return problem('file-too-large', topologyMsg.fileUnreadable(file, `it holds more than ${sizeText(tooLarge)}, too large for a results file`),
        'is it the file you meant? a device (such as /dev/zero, or a symlink to it) or a pipe that never ends cannot be read as results');
    }
    const binary = notText(bytes);
    if (binary) {
      const { reason, hint } = topologyMsg.notTextProblem(binary, file, 'results (JSON, or a sweep\'s NDJSON)');
      return problem('not-text', topologyMsg.fileUnreadable(file, reason), hint);
    }
    // A byte-order mark (Notepad, PowerShell's UTF8 encoding) is no part of the JSON, as in a topology.
    text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    // Worded as a topology's that cannot be read (document.ts readSource).
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    // A sweep's NDJSON named here: it is rendered by sweep-report, so a path fixed here would be refused as no run's results.
    const hint = /\.(ndjson|jsonl)$/i.test(file)
      ? 'check the path; sweep results (NDJSON) are rendered by meshtax sweep-report, and meshtax report takes the JSON of run or compare'
      : 'give the path of a results JSON file';
    return problem(code === 'ENOENT' ? 'file-not-found' : 'file-unreadable', topologyMsg.fileUnreadable(file, why), hint);
  }
  return parseResults(text, file);
}

/** The first invoice value that is not its run's own number (a hand-edited file), or undefined. */
function invoiceMismatch(c: CompareResult): string | undefined {
  // In memory an unmeasured quantity is NaN, which a saved file holds as null.
  const same = (a: unknown, b: unknown): boolean => {
    const x = a ?? null, y = b ?? null;
    return x === y || (Number.isNaN(x) && Number.isNaN(y));
  };
  for (const ep of c.invoice) {
    if (!isObject(ep) || !Array.isArray(ep.rows) || ep.rows.length !== c.runs.length) return `entry point ${String(ep?.entrypoint)}: one row per run expected`;
    for (let m = 0; m < c.runs.length; m++) {
      const row = ep.rows[m];
      const e = c.runs[m].entrypoints.find((x) => x.name === ep.entrypoint);
      if (!isObject(row) || !e || !isObject(e.latency)) return `${ep.entrypoint}, row ${m}: no matching run`;
      for (const q of ['mean', 'p50', 'p90', 'p99', 'p999'] as const) {
        if (!isObject(row[q]) || !same(row[q].value, e.latency[q])) return `${ep.entrypoint} ${row.mesh} ${q}: invoice ${String(row[q]?.value)}, run ${String(e.latency[q])}`;
      }
      if (!same(row.errorRate, e.errorRate)) return `${ep.entrypoint} ${row.mesh} errorRate`;
    }
  }
  return undefined;
}
