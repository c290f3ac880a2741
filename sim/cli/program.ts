import { writeAtomically } from '../writeAtomically.js';
import { extname, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { MAX_RESULTS_BYTES, MAX_SOURCE_BYTES, readCapped, type CappedRead } from '../readCapped.js';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { loadTopologyFile, type LoadOptions } from '../topology/load.js';
import { compareMeshesParallel, type CompareResult } from '../compare.js';
import { compareTable } from '../../reports/compareTable.js';
import { formatDiagnostics } from '../diagnostics/format.js';
import { DiagnosticError, type Diagnostic } from '../diagnostics/types.js';
import type { Topology } from '../topology/types.js';
import { checkRunOptions, offeredRequests, resolveLimits, runTopology, type RunOptions } from '../run.js';
import type { GivenLimits } from '../topology/timeline.js';
import { SimulationAbort } from '../model/simulation.js';
import type { RunResult } from '../results/types.js';
import { runTable } from '../../reports/table.js';
import { runCsv, compareCsv } from '../../reports/csv.js';
import { renderHtmlReport } from '../../reports/html/document.js';
import { writeChartFiles } from '../../reports/chartFiles.js';
import { GIVEN_RESULTS, lackingValue, readResultsFile } from '../../reports/readResults.js';
import type { ReportInput } from '../../reports/model.js';
import { VERSION } from '../version.js';
import { findMeshProfile } from '../mesh/loadProfile.js';
import { fileIdentity } from '../fileIdentity.js';
import { OptionParser } from './options.js';
import { MAX_PROJECT_PODS } from '../topology/defaults.js';
import { addSweepCommands, defaultReportFile, reportSweepFile } from './sweepCommand.js';
import { checkMisplacedOptions } from './misplacedOptions.js';
import { isSweepResultsFile } from '../sweep/store.js';
import { defaultWorkers, workersFor } from '../parallel/pool.js';
import { ShareProgress, drawsBar, modeDoneLine } from './progress.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, checkDistinctPaths, checkWritableDir, checkWritableFile, fileSystemDiagnostic, processIo, type CliIo } from './io.js';

/** Signals a finished command's exit code through commander's action chain. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface CostOverrides {
  vcpuHour?: number;
  gbHour?: number;
  projectPods?: number;
}

/** An option's parser that keeps every value given in `values`, in order, and returns the last as commander would. */
function recordEvery(values: string[]): (value: string) => string {
  return (value) => {
    values.push(value);
    return value;
  };
}

/** A profile named twice in --mesh would run (or be checked) twice under one name. */
function refuseRepeatedMesh(meshes: readonly string[], p: OptionParser, hint: string): void {
  // One profile however it is spelled: linkerd, topologies/meshes/linkerd.yaml, ./x.yaml and x.yaml.
  const ids = meshes.map(meshIdentity);
  const at = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (at < 0) return;
  const first = meshes[ids.indexOf(ids[at])];
  const message = first === meshes[at]
    ? `--mesh names ${JSON.stringify(first)} twice`
    : `--mesh names one profile twice: ${JSON.stringify(first)} and ${JSON.stringify(meshes[at])}`;
  p.diagnostics.push({ severity: 'error', code: 'bad-option', path: ['--mesh'], message, hint });
}

/** The file a --mesh item resolves to (its own text when it names nothing; loading reports that). */
function meshIdentity(ref: string): string {
  const found = findMeshProfile(ref, '.');
  return found.ok ? fileIdentity(found.file) : ref;
}

/** Modes named alike could not be told apart in results, tables or CSV: compare refuses them, and so does validate. */
function nameClash(meshes: readonly string[], named: readonly (string | undefined)[]): Diagnostic | undefined {
  const clash = named.findIndex((n, i) => n !== undefined && named.indexOf(n) !== i);
  if (clash < 0) return undefined;
  const first = meshes[named.indexOf(named[clash])];
  return {
    severity: 'error', code: 'bad-option', path: ['--mesh'],
    message: `--mesh ${JSON.stringify(first)} and ${JSON.stringify(meshes[clash])} are both named ${JSON.stringify(named[clash])}: the results could not tell them apart`,
    hint: `give the profile file its own name (for example name: ${named[clash]}-tuned)`,
  };
}

/** The options that replace the file's run length and warm-up, for the file's checks (warnings about the run's end). */
function givenLimits(options: RunOptions): GivenLimits {
  return { duration: options.duration, requests: options.requests, warmup: options.warmup };
}

/** A loaded topology, and the profile file it was resolved with (an input no output may overwrite). */
interface Loaded {
  topology: Topology;
  meshFile?: string;
}

/** True the first time `d` (by its text and place) is met: a problem a profile does not change is shown once across a comparison's loads. */
function firstTime(seen: Set<string>, d: Diagnostic): boolean {
  const key = JSON.stringify([d.severity, d.code, d.path, d.message, d.location]);
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** `seen`: diagnostics already printed by an earlier load of the same file (compare's other modes), not printed again. */
function loadOrExit(file: string, io: CliIo, options?: LoadOptions, costs: CostOverrides = {}, quiet = false, seen?: Set<string>, sink?: Diagnostic[]): Loaded {
  const { topology, diagnostics, meshFile } = loadTopologyFile(file, options);
  // -q: nothing but errors.
  const fresh = seen === undefined ? diagnostics : diagnostics.filter((d) => firstTime(seen, d));
  const shown = quiet ? fresh.filter((d) => d.severity === 'error') : fresh;
  // A caller loading several modes gathers them, to print one list with one count.
  if (sink) sink.push(...shown);
  else if (shown.length > 0) io.err(formatDiagnostics(shown) + '\n');
  if (!topology) throw new Exit(EXIT_BAD_INPUT);
  topology.costs = {
    vcpuHour: costs.vcpuHour ?? topology.costs.vcpuHour,
    gbHour: costs.gbHour ?? topology.costs.gbHour,
    projectPods: costs.projectPods ?? topology.costs.projectPods,
  };
  return { topology, meshFile };
}

function costOptions(opts: Record<string, string | boolean | undefined>, p: OptionParser): CostOverrides {
  return {
    vcpuHour: p.price('--vcpu-hour', opts.vcpuHour as string | undefined),
    gbHour: p.price('--gb-hour', opts.gbHour as string | undefined),
    projectPods: p.integer('--pods', opts.pods as string | undefined, 1, 1000, MAX_PROJECT_PODS),
  };
}

/** Options shared by run and compare for the resource invoice. */
function addCostOptions(cmd: Command): Command {
  return cmd
    .option('--vcpu-hour <dollars>', 'price of a vCPU-hour for the resource tax (overrides costs.vcpuHour)')
    .option('--gb-hour <dollars>', 'price of a GB-hour of memory (overrides costs.gbHour)')
    .option('--pods <n>', 'pod count for the fleet projection (overrides costs.projectPods)');
}

/** An option of `report` given for the other kind of results file. */
function wrongKindOption(flag: string, kind: string, hint: string): Diagnostic {
  return { severity: 'error', code: 'bad-option', path: [flag], message: `${flag} applies only to ${kind}`, hint };
}

function reportBadOptions(diagnostics: Diagnostic[], io: CliIo): void {
  if (diagnostics.length === 0) return;
  io.err(formatDiagnostics(diagnostics) + '\n');
  throw new Exit(EXIT_BAD_INPUT);
}

type Format = 'table' | 'json' | 'csv';

const DEFAULT_COMPARE = 'none,istio-sidecar,istio-ambient,linkerd,cilium';

function chooseFormat(opts: { json?: boolean; csv?: boolean; output?: string }): Format {
  if (opts.json) return 'json';
  if (opts.csv) return 'csv';
  const ext = opts.output ? extname(opts.output).toLowerCase() : '';
  return ext === '.json' ? 'json' : ext === '.csv' ? 'csv' : 'table';
}

/** The results document as written to disk: stable key order, 2-space JSON, final newline. */
export function resultJson(result: RunResult | CompareResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

function render(result: RunResult, format: Format): string {
  if (format === 'json') return resultJson(result);
  if (format === 'csv') return runCsv(result);
  return runTable(result);
}

/** Parses --mtls on|off into a forced setting, or undefined to keep each profile's own. */
function mtlsOption(raw: string | undefined, p: OptionParser): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'on' || raw === 'off') return raw === 'on';
  p.diagnostics.push({ severity: 'error', code: 'bad-option', path: ['--mtls'], message: `--mtls ${JSON.stringify(raw)}: expected on or off`, hint: 'for example --mtls off, to measure what mTLS itself costs' });
  return undefined;
}

function runOptions(opts: Record<string, string | boolean | undefined>, p: OptionParser) {
  const options = {
    seed: p.integer('--seed', opts.seed as string | undefined, 0, 42),
    duration: p.duration('--duration', opts.duration as string | undefined),
    requests: p.integer('--requests', opts.requests as string | undefined, 1, 100000),
    warmup: p.duration('--warmup', opts.warmup as string | undefined, true),
    replications: p.integer('--replications', opts.replications as string | undefined, 1, 5),
  };
  p.diagnostics.push(...checkRunOptions(options));
  return options;
}

function writeOutput(path: string, text: string): void {
  writeAtomically(path, text);
}

/** --report and --charts, shared by run, compare and report. */
function addReportOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--report <file.html>', `write ${what} as a self-contained HTML report (opens offline)`)
    .option('--charts <dir>', 'write each chart as a Vega-Lite spec (.vl.json) and an SVG into this directory');
}

/**
 * Writes the HTML report and chart files that were asked for; returns the
 * lines saying where they are, for the caller to print wherever its other
 * output is not.
 */
async function writeReports(result: ReportInput, report: string | undefined, charts: string | undefined): Promise<string[]> {
  const notes: string[] = [];
  if (report) {
    writeOutput(report, renderHtmlReport(result));
    notes.push(`wrote ${report} — open it in a browser: ${pathToFileURL(resolve(report)).href}`);
  }
  if (charts) {
    const files = await writeChartFiles(charts, result);
    notes.push(`wrote ${files.length} chart files to ${charts}`);
  }
  return notes;
}

/**
 * Refuses outputs that are not files of results, would overwrite an input
 * (the topology, a profile) or each other, or could not be written after
 * the simulation: before it starts.
 */
function checkOutputs(opts: Record<string, string | boolean | undefined>, topologyFile: string, loaded: readonly Loaded[]): void {
  const named = (key: string) => (typeof opts[key] === 'string' ? (opts[key] as string) : undefined);
  const output = named('output');
  // -o x.html would be the text table under a name that promises a page: the report is --report's.
  if (output !== undefined && /\.html?$/i.test(output) && opts.json !== true && opts.csv !== true) {
    throw new DiagnosticError([{
      severity: 'error', code: 'bad-option', path: ['-o'],
      message: `-o ${JSON.stringify(output)}: -o writes the results (JSON, CSV or the text table), not an HTML page`,
      hint: `for the HTML report use --report ${output}; -o ${output.replace(/\.html?$/i, '.json')} keeps the results to re-render later`,
    }]);
  }
  const profiles = [...new Set(loaded.map((l) => l.meshFile).filter((f) => f !== undefined))];
  checkDistinctPaths(
    [{ path: topologyFile, what: 'the topology file' }, ...profiles.map((path) => ({ path, what: `the mesh profile ${path}` }))],
    [{ path: named('output'), what: '-o' }, { path: named('report'), what: '--report' }, { path: named('charts'), what: '--charts' }],
  );
  for (const key of ['output', 'report'] as const) {
    const path = opts[key];
    if (typeof path === 'string') checkWritableFile(path);
  }
  if (typeof opts.charts === 'string') checkWritableDir(opts.charts);
}

function reportTargets(opts: Record<string, string | boolean | undefined>): { report?: string; charts?: string } {
  return { report: opts.report as string | undefined, charts: opts.charts as string | undefined };
}

/**
 * The bytes of a results path that is not a regular file (a pipe, a
 * process substitution, a device), read once; undefined for a regular file
 * or one that cannot be read, which the readers then open and report.
 */
function readOnceIfPipe(file: string): CappedRead | undefined {
  try {
    const st = statSync(file);
    if (st.isFile() || st.isDirectory()) return undefined;
    return readCapped(file, MAX_RESULTS_BYTES, MAX_SOURCE_BYTES);
  } catch {
    return undefined;
  }
}

/** Where-files-went lines: on stdout beside a table, on stderr when stdout carries JSON or CSV, nowhere with -q. */
/** Beyond this many offered requests a run takes minutes or more: say so before it starts. */
const LONG_RUN_REQUESTS = 20_000_000;

/** A note on stderr before a run that will take long, so a silent terminal is not taken for a hang. */
function warnLongRun(io: CliIo, topology: Topology, options: RunOptions, modes: number, quiet: boolean): void {
  const replications = Math.max(1, options.replications ?? 1);
  const limits = resolveLimits(topology, options);
  const offered = offeredRequests(topology, limits) * modes * replications;
  if (quiet || !(offered > LONG_RUN_REQUESTS)) return;
  const factors = `${modes > 1 ? ` × ${modes} modes` : ''}${replications > 1 ? ` × ${replications} replications` : ''}`;
  // With a request count, what makes the run long is the warm-up's load: it is simulated, not measured.
  const counted = limits.requests !== undefined;
  io.err(
    `note: about ${offered.toExponential(1).replace('e+', 'e')} requests to simulate ` +
      `(${counted ? 'rate × warm-up, plus the requests asked for' : 'rate × duration'}${factors}); ` +
      'at the usual 0.1–1 million a second that is minutes to hours. ' +
      `${counted ? 'A shorter --warmup sizes it down' : '--requests N or a shorter --duration sizes it down'}.\n`,
  );
}

/** The progress display of a long run or compare on stderr (none with -q). */
function shareProgress(io: CliIo, label: string, quiet: boolean): ShareProgress | undefined {
  if (quiet) return undefined;
  const tty = io === processIo && drawsBar(process.stderr);
  return new ShareProgress({ write: (t) => io.err(t), tty, label, columns: () => process.stderr.columns });
}

function printNotes(io: CliIo, notes: string[], quiet: boolean, stdoutIsData: boolean): void {
  if (quiet || notes.length === 0) return;
  const text = notes.join('\n') + '\n';
  if (stdoutIsData) io.err(text);
  else io.out(text);
}

export function buildProgram(io: CliIo): Command {
  const program = new Command();
  // Every --mesh each command is given: commander keeps only the last, and `compare --mesh none --mesh linkerd` ran linkerd alone.
  const meshGiven = { run: [] as string[], compare: [] as string[], validate: [] as string[] };
  program
    .name('meshtax')
    .description('What will a service mesh cost your architecture? A deterministic discrete-event simulator.')
    .version(VERSION)
    .option('--debug', 'print stack traces for internal errors')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .addHelpText('after', `
Examples:
  $ meshtax validate topologies/bookinfo.yaml
  $ meshtax run topologies/bookinfo.yaml
  $ meshtax run topologies/checkout.yaml --duration 10m --json -o out/checkout.json
  $ meshtax compare topologies/bookinfo.yaml --report out/bookinfo.html
  $ meshtax help run`);

  addReportOptions(addCostOptions(program
    .command('run')), 'the results')
    .description('simulate one topology and print its latency, throughput and failures')
    .argument('<file>', 'topology file (.yaml, .yml or .json)')
    .option('--seed <n>', 'random seed (overrides simulation.seed)')
    .option('--duration <d>', 'simulated time to offer load, with unit: 60s, 5m (overrides the topology)')
    .option('--requests <n>', 'stop after this many measured requests complete')
    .option('--warmup <d>', 'initial simulated time left out of the statistics, e.g. 10s')
    .option('--replications <n>', 'independent runs with seeds seed..seed+n-1; intervals from their spread', '1')
    .option('--mesh <profile>', 'run under this mesh profile instead of the topology\'s (e.g. istio-sidecar)', recordEvery(meshGiven.run))
    .option('--mtls <on|off>', 'force mTLS on or off in the mesh profile')
    .addOption(new Option('--json', 'print the results as JSON').conflicts('csv'))
    .option('--csv', 'print one CSV row per entry point and service')
    .option('-o, --output <file>', 'write the results to a file (format from --json/--csv or the extension)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText('after', `
Examples:
  $ meshtax run topologies/mm1.yaml
  $ meshtax run topologies/bookinfo.yaml --seed 7 --duration 5m --json > bookinfo.json
  $ meshtax run topologies/checkout.yaml --requests 1000000 -o out/checkout.csv
  $ meshtax run topologies/mmc.yaml --replications 10
  $ meshtax run topologies/bookinfo.yaml --mesh istio-sidecar --report out/bookinfo-sidecar.html`)
    .action(async (file: string, opts: Record<string, string | boolean | undefined>) => {
      const p = new OptionParser();
      p.givenOnce('--mesh', meshGiven.run, `run takes one profile; to run several side by side: meshtax compare ${file} --mesh ${meshGiven.run.join(',')}`);
      const options = runOptions(opts, p);
      const mtls = mtlsOption(opts.mtls as string | undefined, p);
      const costs = costOptions(opts, p);
      reportBadOptions(p.diagnostics, io);
      const loaded = loadOrExit(file, io, { mesh: opts.mesh as string | undefined, mtls, limits: givenLimits(options) }, costs, opts.quiet === true);
      checkOutputs(opts, file, [loaded]);
      const topology = loaded.topology;
      if (mtls !== undefined && topology.mesh.mode === 'none' && opts.quiet !== true) {
        io.err(formatDiagnostics([{
          severity: 'warning', code: 'no-effect', path: ['--mtls'],
          message: `--mtls ${opts.mtls as string} has no effect: with no mesh there is no mTLS`,
          hint: 'pick a mesh to price mTLS in, for example --mesh istio-sidecar',
        }]) + '\n');
      }
      warnLongRun(io, topology, options, 1, opts.quiet === true);
      const progress = shareProgress(io, 'run', opts.quiet === true);
      let result: RunResult;
      try {
        result = runTopology(topology, options, progress ? { onProgress: (f) => progress.update(f) } : {});
      } finally {
        progress?.finish();
      }
      const output = opts.output as string | undefined;
      const format = chooseFormat({ json: opts.json === true, csv: opts.csv === true, output });
      const { report, charts } = reportTargets(opts);
      if (output) {
        writeOutput(output, render(result, format));
        if (!opts.quiet) io.out(runTable(result) + `\nwrote ${output}\n`);
      } else if (!opts.quiet || format !== 'table') {
        io.out(render(result, format));
      }
      printNotes(io, await writeReports(result, report, charts), opts.quiet === true, !output && format !== 'table');
    });

  addReportOptions(addCostOptions(program
    .command('compare')), 'the comparison')
    .description('run one topology under several meshes with the same seed and arrivals; print the side-by-side invoice')
    .argument('<file>', 'topology file (.yaml, .yml or .json)')
    .option('--mesh <profiles>', 'comma-separated mesh profiles; the baseline is "none", or the first profile when "none" is not listed', recordEvery(meshGiven.compare), DEFAULT_COMPARE)
    .option('--mtls <on|off>', 'force mTLS on or off in every profile')
    .option('--seed <n>', 'random seed (overrides simulation.seed)')
    .option('--duration <d>', 'simulated time to offer load, with unit: 60s, 5m')
    .option('--requests <n>', 'stop each mode after this many measured requests complete')
    .option('--warmup <d>', 'initial simulated time left out of the statistics')
    .option('--replications <n>', 'independent runs per mode; intervals from their spread', '1')
    .option('--workers <n>', `worker threads running the modes side by side (default and at most: the number of cores, here ${defaultWorkers()}); 1 runs them one after another; results are the same either way`)
    .addOption(new Option('--json', 'print the results as JSON').conflicts('csv'))
    .option('--csv', 'print one CSV row per entry point and mesh')
    .option('-o, --output <file>', 'write the results to a file (format from --json/--csv or the extension)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText('after', `
Examples:
  $ meshtax compare topologies/bookinfo.yaml
  $ meshtax compare topologies/checkout.yaml --mesh none,istio-sidecar,istio-ambient -o out/checkout-compare.json
  $ meshtax compare topologies/calibration/mtls-comparison.yaml --mtls off
  $ meshtax compare topologies/checkout.yaml --requests 1000000 --workers 2
  $ meshtax compare topologies/bookinfo.yaml -o out/bookinfo.json --report out/bookinfo.html --charts out/charts`)
    .action(async (file: string, opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      const p = new OptionParser();
      const options = runOptions(opts, p);
      const mtls = mtlsOption(opts.mtls as string | undefined, p);
      p.givenOnce('--mesh', meshGiven.compare, `list every profile in one --mesh, separated by commas: --mesh ${meshGiven.compare.join(',')}`);
      const meshes = p.nameList('--mesh', String(opts.mesh), DEFAULT_COMPARE);
      refuseRepeatedMesh(meshes, p, 'each profile runs once; the same seed gives the same numbers');
      const costs = costOptions(opts, p);
      const workers = p.integer('--workers', opts.workers as string | undefined, 1, 2);
      reportBadOptions(p.diagnostics, io);
      // Every mode is loaded before any refusal, so one run shows the problems of every profile (as validate does).
      const seen = new Set<string>();
      const gathered: Diagnostic[] = [];
      const attempts = meshes.map((mesh) => {
        try {
          return loadOrExit(file, io, { mesh, mtls, limits: givenLimits(options) }, costs, opts.quiet === true, seen, gathered);
        } catch (e) {
          if (e instanceof Exit) return undefined;
          throw e;
        }
      });
      if (gathered.length > 0) io.err(formatDiagnostics(gathered) + '\n');
      if (attempts.some((l) => l === undefined)) throw new Exit(EXIT_BAD_INPUT);
      const loaded = attempts as Loaded[];
      if (cmd.getOptionValueSource('mesh') === 'default') {
        // The topology's own profile (a file of the user's, not bundled) is the mesh they mean to price: compared too, last.
        const own = loadOrExit(file, io, { mtls, limits: givenLimits(options) }, costs, true, seen);
        const name = own.topology.mesh.name;
        const same = loaded.findIndex((l) => l.topology.mesh.name === name);
        if (same < 0) {
          loaded.push(own);
          meshes.push(own.meshFile ?? name);
          if (opts.quiet !== true) io.err(`note: also comparing the topology's own mesh profile "${name}" (its mesh:), after the ${DEFAULT_COMPARE.split(',').length} bundled ones; --mesh chooses the modes\n`);
        } else if (own.meshFile !== undefined && loaded[same].meshFile !== undefined && fileIdentity(own.meshFile) !== fileIdentity(loaded[same].meshFile as string)) {
          // A copy of a bundled profile under its name (edited: its differences are tuned) is the mesh they mean to price: it runs in the bundled one's place.
          loaded[same] = own;
          meshes[same] = own.meshFile;
          if (opts.quiet !== true) io.err(`note: the topology's own mesh profile ${JSON.stringify(own.meshFile)} (its mesh:), named "${name}", runs in place of the bundled "${name}"; --mesh chooses the modes\n`);
        }
      }
      checkOutputs(opts, file, loaded);
      const topologies = loaded.map((l) => l.topology);
      // Results, tables and CSV name each mode by its profile's name: two alike could not be told apart.
      const clash = nameClash(meshes, topologies.map((t) => t.mesh.name));
      if (clash) reportBadOptions([clash], io);
      // A line per finished mode, for a person watching: wall times stay out of the results.
      const watching = !opts.quiet && io === processIo && process.stderr.isTTY === true;
      warnLongRun(io, topologies[0], options, topologies.length, opts.quiet === true);
      const progress = shareProgress(io, 'compare', opts.quiet === true);
      const shares = topologies.map(() => 0);
      let modesDone = 0;
      const showShare = (): void => {
        // A mode's simulation ends (share 1) before its summary does: 100 % only once every mode is done.
        const share = shares.reduce((a, b) => a + b, 0) / shares.length;
        progress?.update(modesDone < shares.length ? Math.min(share, 0.99) : share, `${modesDone}/${shares.length} modes done`);
      };
      let result: CompareResult;
      try {
        result = await compareMeshesParallel(topologies, options, {
          workers: workersFor(workers),
          onModeDone: (done) => {
            shares[done.index] = 1;
            modesDone++;
            if (watching) progress?.line(modeDoneLine(done));
            showShare();
          },
          onModeProgress: progress && ((index, f) => {
            shares[index] = f;
            showShare();
          }),
        });
      } finally {
        progress?.finish();
      }
      const output = opts.output as string | undefined;
      const format = chooseFormat({ json: opts.json === true, csv: opts.csv === true, output });
      const text = format === 'json' ? resultJson(result) : format === 'csv' ? compareCsv(result) : compareTable(result);
      const { report, charts } = reportTargets(opts);
      if (output) {
        writeOutput(output, text);
        if (!opts.quiet) io.out(compareTable(result) + `wrote ${output}\n`);
      } else if (!opts.quiet || format !== 'table') {
        io.out(text);
      }
      printNotes(io, await writeReports(result, report, charts), opts.quiet === true, !output && format !== 'table');
    });

  program
    .command('report')
    .description('render saved results as a self-contained HTML report, without simulating again: run or compare JSON, or a sweep\'s NDJSON')
    .argument('<results>', 'results JSON written by `meshtax run|compare … -o FILE.json`, or NDJSON written by `meshtax sweep|merge`')
    .option('-o, --output <file.html>', 'where to write the report (default: the results file with .html)')
    .option('--charts <dir>', 'run or compare results: also write each chart as a Vega-Lite spec (.vl.json) and an SVG into this directory')
    .option('--csv <file.csv>', 'sweep results: also write one CSV row per point, entry point and mode')
    .option('--x <path>', 'sweep results: the parameter on the x axis (default: a numeric swept one, the one with the most values, other than the mesh)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText('after', `
Examples:
  $ meshtax compare topologies/bookinfo.yaml -o out/bookinfo.json
  $ meshtax report out/bookinfo.json -o out/bookinfo.html
  $ meshtax report out/bookinfo.json -o out/bookinfo.html --charts out/charts
  $ meshtax report out/sweep.ndjson -o out/sweep.html --csv out/sweep.csv`)
    .action(async (file: string, opts: Record<string, string | boolean | undefined>) => {
      const output = opts.output as string | undefined;
      const quiet = opts.quiet === true;
      // A pipe (`report <(ssh host cat results.json)`) can be read only once: telling its kind would consume it.
      const preread = readOnceIfPipe(file);
      // Only for bytes it gave: a device that never ends is refused as too large below, whatever -o says.
      if (preread?.bytes !== undefined && output === undefined) {
        reportBadOptions([{
          severity: 'error', code: 'bad-option', path: ['-o'],
          message: `${file} is not a regular file (a pipe or a device): there is no place beside it for the report`,
          hint: 'say where to write it: -o FILE.html',
        }], io);
      }
      const sweep = isSweepResultsFile(file, preread);
      checkDistinctPaths([{ path: file, what: 'the results file' }], [
        output === undefined ? { path: defaultReportFile(file, sweep), what: 'the report (by default the results file with .html)' } : { path: output, what: '-o', html: true },
        { path: opts.charts as string | undefined, what: '--charts' },
        { path: opts.csv as string | undefined, what: '--csv' },
      ]);
      // Sweep results are told by their content (see isSweepResultsFile), whatever the file is called.
      if (sweep) {
        if (opts.charts !== undefined) reportBadOptions([wrongKindOption('--charts', 'run and compare results', 'a sweep report holds its charts in the page; drop --charts')], io);
        reportSweepFile(file, { output, csv: opts.csv as string | undefined, x: opts.x as string | undefined, quiet }, io, (code) => new Exit(code), preread);
        return;
      }
      const { input, diagnostics } = readResultsFile(file, preread);
      if (!input) {
        io.err(formatDiagnostics(diagnostics) + '\n');
        throw new Exit(EXIT_BAD_INPUT);
      }
      const kind = 'kind' in input ? 'compare' : 'run';
      const misplaced: Diagnostic[] = [];
      if (opts.csv !== undefined) misplaced.push(wrongKindOption('--csv', 'sweep results', `${file} holds ${kind} results; for their CSV, run \`meshtax ${kind} … --csv\``));
      if (opts.x !== undefined) misplaced.push(wrongKindOption('--x', 'sweep results', `${file} holds ${kind} results; drop --x`));
      reportBadOptions(misplaced, io);
      // Every output checked before any is written, as run and compare do: no page left behind by a --charts that fails.
      const target = output ?? defaultReportFile(file, false);
      checkWritableFile(target);
      if (typeof opts.charts === 'string') checkWritableDir(opts.charts);
      let written: string[];
      try {
        written = await writeReports(input, target, opts.charts as string | undefined);
      } catch (e) {
        // The file passed the shape check but lacks something deeper a chart reads: edited, or cut short.
        // The renderers say so of "the results given"; here they are the user's file.
        if (!(e instanceof DiagnosticError) || !e.diagnostics.every((d) => d.code === 'bad-results')) throw lackingValue(e, file);
        reportBadOptions(e.diagnostics.map((d) => ({ ...d, message: d.message.replace(GIVEN_RESULTS, file) })), io);
        return;
      }
      printNotes(io, written, quiet, false);
    });

  program
    .command('validate')
    .description('check a topology file without running it; prints every problem with its file:line:column')
    .argument('<file>', 'topology file (.yaml, .yml or .json)')
    .option('--mesh <profiles>', 'check it under these mesh profiles instead of its own (comma-separated), as run --mesh or compare would run it', recordEvery(meshGiven.validate))
    .option('-q, --quiet', 'print nothing but errors (no warnings, no "ok" line); the exit code says whether the file is valid')
    .addHelpText('after', `
Examples:
  $ meshtax validate topologies/checkout.yaml
  $ meshtax validate topologies/checkout.yaml --mesh none,istio-sidecar,istio-ambient
  $ meshtax validate my-topology.yaml || echo "fix the file first"`)
    .action((file: string, opts: Record<string, string | boolean | undefined>) => {
      const p = new OptionParser();
      p.givenOnce('--mesh', meshGiven.validate, `list every profile in one --mesh, separated by commas: --mesh ${meshGiven.validate.join(',')}`);
      const meshes = typeof opts.mesh === 'string' ? p.nameList('--mesh', opts.mesh, DEFAULT_COMPARE) : [];
      refuseRepeatedMesh(meshes, p, 'each profile is checked once, as compare runs each once');
      reportBadOptions(p.diagnostics, io);
      const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
      let bad = false;
      // A problem the profile does not change (its text does not name it) is shown once, not once per profile.
      const shown = new Set<string>();
      const names: (string | undefined)[] = [];
      // Every profile is checked, so one run shows every problem; the exit code says whether any had an error.
      for (const mesh of meshes.length > 0 ? meshes : [undefined]) {
        const { topology, diagnostics } = loadTopologyFile(file, mesh === undefined ? {} : { mesh });
        const quiet = opts.quiet === true;
        const fresh = diagnostics.filter((d) => firstTime(shown, d)).filter((d) => !quiet || d.severity === 'error');
        if (fresh.length > 0) io.err(formatDiagnostics(fresh) + '\n');
        if (!topology) {
          bad = true;
          continue;
        }
        names.push(topology.mesh.name);
        const under = mesh === undefined ? '' : ` under ${topology.mesh.name}${mesh !== topology.mesh.name ? ` (${mesh})` : ''}`;
        if (!quiet) io.out(`${file}: ok${under} — ${n(topology.services.length, 'service', 'services')}, ${n(topology.entrypoints.length, 'entry point', 'entry points')}\n`);
      }
      // What validate accepts, compare must run: two profiles of one name it would refuse.
      const clash = meshes.length > 1 && !bad ? nameClash(meshes, names) : undefined;
      if (clash) reportBadOptions([clash], io);
      if (bad) throw new Exit(EXIT_BAD_INPUT);
    });

  addSweepCommands(program, io, (code) => new Exit(code));

  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    checkMisplacedOptions(argv);
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    if (e instanceof CommanderError) {
      // An explicit --help or --version succeeds; help shown because no command was given is a usage error.
      // `meshtax help run` ends with code commander.help and exitCode 0; help for a missing command, exitCode 1.
      return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (e instanceof SimulationAbort) {
      // As every other error prints, its reason the code a script may key on (a sweep's records name it too).
      io.err(formatDiagnostics([{ severity: 'error', code: e.reason, path: [], message: e.message, hint: e.hint }]) + '\n');
      return EXIT_BAD_INPUT;
    }
    if (e instanceof DiagnosticError) {
      io.err(formatDiagnostics(e.diagnostics) + '\n');
      return EXIT_BAD_INPUT;
    }
    const fs = fileSystemDiagnostic(e);
    if (fs) {
      io.err(formatDiagnostics([fs]) + '\n');
      return EXIT_BAD_INPUT;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    // Library code marks its own invariant failures "internal error: …"; say it once.
    io.err(`meshtax: internal error: ${err.message.replace(/^internal error:\s*/, '')}\n`);
    if (argv.includes('--debug') && err.stack) io.err(err.stack + '\n');
    else io.err('(run again with --debug for the stack trace, and please report it)\n');
    return EXIT_INTERNAL;
  }
}
