/**
 * The batch commands: `sweep` (a parameter grid over a topology, on worker
 * threads, resumable and shardable), `merge` (shards into one results file)
 * and `sweep-report` (an HTML report and CSV from sweep results). They are
 * added to the program by `addSweepCommands`; the program's own error
 * handling prints diagnostics (exit 2) and internal errors (exit 1).
 */
import { writeAtomically } from '../writeAtomically.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { formatDiagnostics } from '../diagnostics/format.js';
import { DiagnosticError, type Diagnostic } from '../diagnostics/types.js';
import { readSource } from '../topology/document.js';
import { buildDefinition, readSweepFile, type SweepDefinition } from '../sweep/definition.js';
import { checkSweepOutput, defaultWorkers, dryRunListing, runSweep, type SweepOutcome } from '../sweep/engine.js';
import { workersFor } from '../parallel/pool.js';
import { mergeResults } from '../sweep/merge.js';
import * as msg from '../sweep/messages.js';
import { parseShard, planSweep, type Shard, type SweepOptions } from '../sweep/plan.js';
import type { SweepRecord } from '../sweep/record.js';
import { readSweepRecords } from '../sweep/store.js';
import type { CappedRead } from '../readCapped.js';
import { renderSweepReport, sweepCsv } from '../../reports/sweep/index.js';
import { EXIT_BAD_INPUT, checkDistinctPaths, checkWritableFile, processIo, type CliIo } from './io.js';
import { OptionParser } from './options.js';
import { MAX_PROJECT_PODS } from '../topology/defaults.js';
import { checkRunOptions } from '../run.js';
import { ProgressReporter, drawsBar } from './progress.js';

/** Exit code of a sweep stopped by Ctrl-C after its results were saved: 128 + SIGINT, as shells report it. */
export const EXIT_INTERRUPTED = 130;
/** Exit code of a sweep stopped by SIGTERM (a job scheduler, `timeout`, `kill`) after its results were saved: 128 + SIGTERM. */
export const EXIT_TERMINATED = 143;

type Opts = Record<string, string | string[] | boolean | undefined>;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function str(opts: Opts, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' ? v : undefined;
}

function writeFile(path: string, text: string): void {
  writeAtomically(path, text);
}

/** Prints the diagnostics (with `quiet`, the errors only); stops with exit 2 if any is an error. */
function check(diagnostics: Diagnostic[], io: CliIo, exit: (code: number) => Error, quiet = false): void {
  const shown = quiet ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
  if (shown.length > 0) io.err(formatDiagnostics(shown) + '\n');
  if (diagnostics.some((d) => d.severity === 'error')) throw exit(EXIT_BAD_INPUT);
}

function sweepOptions(opts: Opts, p: OptionParser): SweepOptions {
  const options: SweepOptions = {};
  const seed = p.integer('--seed', str(opts, 'seed'), 0, 42);
  const duration = p.duration('--duration', str(opts, 'duration'));
  const requests = p.integer('--requests', str(opts, 'requests'), 1, 100000);
  const warmup = p.duration('--warmup', str(opts, 'warmup'), true);
  if (seed !== undefined) options.seed = seed;
  if (duration !== undefined) options.duration = duration;
  if (requests !== undefined) options.requests = requests;
  if (warmup !== undefined) options.warmup = warmup;
  p.diagnostics.push(...checkRunOptions(options));
  const mtls = str(opts, 'mtls');
  if (mtls === 'on' || mtls === 'off') options.mtls = mtls === 'on';
  else if (mtls !== undefined) {
    p.diagnostics.push({ severity: 'error', code: 'bad-option', path: ['--mtls'], message: `--mtls ${JSON.stringify(mtls)}: expected on or off`, hint: 'for example --mtls off' });
  }
  const costs = {
    vcpuHour: p.price('--vcpu-hour', str(opts, 'vcpuHour')),
    gbHour: p.price('--gb-hour', str(opts, 'gbHour')),
    projectPods: p.integer('--pods', str(opts, 'pods'), 1, 1000, MAX_PROJECT_PODS),
  };
  const given = Object.fromEntries(Object.entries(costs).filter(([, v]) => v !== undefined));
  if (Object.keys(given).length > 0) options.costs = given;
  return options;
}

function shardOption(raw: string | undefined, p: OptionParser): Shard | undefined {
  if (raw === undefined) return undefined;
  const shard = parseShard(raw);
  if (!shard) p.diagnostics.push({ severity: 'error', code: 'bad-option', path: ['--shard'], message: msg.badShard(raw), hint: msg.badShardHint() });
  return shard;
}

/** Reads a sweep results file; every line must be whole and of one sweep. */
function readRecords(file: string, io: CliIo, exit: (code: number) => Error, preread?: CappedRead): SweepRecord[] {
  const read = readSweepRecords(file, preread);
  check(read.diagnostics, io, exit);
  return read.records;
}

/** Writes the HTML report and the CSV that were asked for; returns where they went. */
function writeSweepReports(records: SweepRecord[], report: string | undefined, csv: string | undefined, x: string | undefined): string[] {
  const notes: string[] = [];
  const options = x === undefined ? {} : { x };
  if (report) {
    writeFile(report, renderSweepReport(records, options));
    notes.push(`wrote ${report} — open it in a browser: ${pathToFileURL(resolve(report)).href}`);
  }
  if (csv) {
    writeFile(csv, sweepCsv(records, options));
    notes.push(`wrote ${csv}`);
  }
  return notes;
}

export interface SweepReportArgs {
  /** The HTML report (default: the results file with .html). */
  output?: string;
  csv?: string;
  x?: string;
  quiet?: boolean;
}

/** `meshtax sweep-report`, and `meshtax report` given sweep results: the report (and CSV) of a results file. */
/** Where `report` and `sweep-report` write when no -o is given: the results file with .html. */
export function defaultReportFile(results: string, sweep: boolean): string {
  return results.replace(sweep ? /(\.ndjson|\.jsonl|\.json)?$/i : /(\.json)?$/i, '.html');
}

/** `preread`: the file's bytes when the caller has read them already (a pipe can be read only once). */
export function reportSweepFile(file: string, args: SweepReportArgs, io: CliIo, exit: (code: number) => Error, preread?: CappedRead): void {
  const output = args.output ?? defaultReportFile(file, true);
  checkDistinctPaths([{ path: file, what: 'the results file' }], [
    { path: output, what: args.output === undefined ? 'the report (by default the results file with .html)' : '-o', html: true },
    { path: args.csv, what: '--csv' },
  ]);
  // Both before either is written, as run and compare check theirs: a --csv that cannot be written must not leave the page behind.
  for (const path of [output, args.csv]) if (path !== undefined) checkWritableFile(path);
  const records = readRecords(file, io, exit, preread);
  const notes = writeSweepReports(records, output, args.csv, args.x);
  if (args.quiet !== true) io.out(notes.join('\n') + '\n');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function describeSweep(definition: SweepDefinition, points: number, runs: number): string {
  const repeats = definition.repeat > 1 ? ` × ${definition.repeat} repeats` : '';
  return `${plural(runs, 'run')} (${plural(points, 'point')}${repeats})`;
}

/**
 * Adds `sweep`, `merge` and `sweep-report` to the program. `exit(code)`
 * makes the error that ends a command with that exit code.
 */
export function addSweepCommands(program: Command, io: CliIo, exit: (code: number) => Error): void {
  program
    .command('sweep')
    .description('run a topology over a grid of parameters, in parallel; results as NDJSON, resumable and shardable')
    .argument('<file>', 'topology file (.yaml, .yml or .json)')
    .option('--set <path=values>', 'sweep a field of the topology file over values: a,b,c or a range FROM..TO:STEP (repeatable)', collect, [])
    .option('--sweep <file.yaml>', 'a sweep file: grid (path: values or a range), points (list of {path: value}), repeat, seed')
    .option('--repeat <n>', 'runs per point, each with its own seed (confidence bands in the report)')
    .option('-o, --output <file.ndjson>', 'results file: one JSON line per finished run (required, but with --dry-run)')
    .option('--workers <n>', `worker threads (default and at most: the number of cores, here ${defaultWorkers()})`)
    .option('--resume', 'keep the results already in the output file and run only the missing ones')
    .option('--shard <i/n>', 'run only shard i of n (0 ≤ i < n): every n-th run, for a batch scheduler; then merge')
    .option('--seed <n>', 'base seed (overrides the sweep file and simulation.seed); each run derives its own')
    .option('--duration <d>', 'simulated time to offer load at every point, e.g. 30s')
    .option('--requests <n>', 'stop every run after this many measured requests')
    .option('--warmup <d>', 'initial simulated time left out of the statistics')
    .option('--mtls <on|off>', 'force mTLS on or off in every point\'s mesh profile')
    .option('--vcpu-hour <dollars>', 'price of a vCPU-hour (overrides costs.vcpuHour)')
    .option('--gb-hour <dollars>', 'price of a GB-hour of memory (overrides costs.gbHour)')
    .option('--pods <n>', 'pod count for the fleet projection (overrides costs.projectPods)')
    .option('--report <file.html>', 'when the runs are done, write the sweep report of the results file (self-contained HTML; of this shard alone with --shard, of all runs after merge)')
    .option('--csv <file.csv>', 'when the sweep is complete, write one CSV row per point, entry point and mode')
    .option('--dry-run', 'check everything and print the points, without running anything')
    .option('-q, --quiet', 'no progress and no summary; errors only')
    .addHelpText('after', `
Paths address the topology file: mesh, services.NAME.replicas, entrypoints.NAME.rate,
simulation.duration, mesh.sidecar.workers (turns "mesh: NAME" into {profile: NAME, sidecar: …}).
Values are written as in the file; a range is FROM..TO:STEP in the value's unit.

Examples:
  $ meshtax sweep topologies/bookinfo.yaml --set mesh=none,istio-sidecar --set entrypoints.web.rate=100/s..1000/s:100/s -o out/bookinfo.ndjson --report out/bookinfo-sweep.html
  $ meshtax sweep topologies/bookinfo.yaml --set services.reviews.replicas=1,2,3 --repeat 5 --duration 30s -o out/replicas.ndjson
  $ meshtax sweep topologies/bookinfo.yaml --sweep my-sweep.yaml -o out/s.ndjson --resume
  $ meshtax sweep topologies/bookinfo.yaml --sweep my-sweep.yaml -o out/shard-2.ndjson --shard 2/8`)
    .action(async (file: string, opts: Opts) => {
      const p = new OptionParser();
      const options = sweepOptions(opts, p);
      const repeat = p.integer('--repeat', str(opts, 'repeat'), 1, 5);
      const workers = p.integer('--workers', str(opts, 'workers'), 1, 2);
      const shard = shardOption(str(opts, 'shard'), p);
      check(p.diagnostics, io, exit);

      const sweepFile = str(opts, 'sweep');
      checkDistinctPaths(
        [{ path: file, what: 'the topology file' }, { path: sweepFile, what: 'the sweep file' }],
        [{ path: str(opts, 'output'), what: '-o' }, { path: str(opts, 'report'), what: '--report' }, { path: str(opts, 'csv'), what: '--csv' }],
      );
      let fileDefinition: SweepDefinition | undefined;
      if (sweepFile !== undefined) {
        const read = readSweepFile(sweepFile);
        check(read.diagnostics, io, exit);
        fileDefinition = read.definition;
      }
      const built = buildDefinition((opts.set as string[] | undefined) ?? [], fileDefinition, repeat);
      check(built.diagnostics, io, exit);
      const definition = built.definition!;
      const source = readSource(file);
      if (!source.ok) check([source.diagnostic], io, exit);
      const planned = planSweep(file, (source as { source: string }).source, definition, options);
      check(planned.diagnostics, io, exit, opts.quiet === true);
      const plan = planned.plan!;
      // A point may name a profile file (mesh: my.yaml): the outputs must not overwrite it either.
      checkDistinctPaths(
        plan.meshFiles.map((path) => ({ path, what: `the mesh profile ${path}` })),
        [{ path: str(opts, 'output'), what: '-o' }, { path: str(opts, 'report'), what: '--report' }, { path: str(opts, 'csv'), what: '--csv' }],
      );
      const quiet = opts.quiet === true;
      const output = str(opts, 'output');
      const what = describeSweep(definition, plan.points.length, plan.runs);

      if (opts.dryRun) {
        io.out(dryRunListing(plan, what, { output, resume: opts.resume === true, shard }));
        return;
      }
      if (output !== undefined && /\.html?$/i.test(output)) {
        check([{
          severity: 'error', code: 'bad-option', path: ['-o'],
          message: `-o ${JSON.stringify(output)}: -o is the results file (NDJSON, one line a run), not an HTML page`,
          hint: `for the sweep report use --report ${output}; -o ${output.replace(/\.html?$/i, '.ndjson')} keeps the results`,
        }], io, exit);
      }
      if (output === undefined) {
        check([{ severity: 'error', code: 'missing-option', path: ['-o'], message: msg.outputMissing(), hint: msg.outputMissingHint() }], io, exit);
        return;
      }

      checkSweepOutput(plan, { output, resume: opts.resume === true, shard });
      // The report and the CSV are written after the last run: a path that cannot be written is told now, not then.
      for (const path of [str(opts, 'report'), str(opts, 'csv')]) if (path !== undefined) checkWritableFile(path);
      const controller = new AbortController();
      const tty = io === processIo && drawsBar(process.stderr);
      // The first signal stops gracefully; a second, of either kind, finds no handler and ends the process at once (runs
      // are appended whole as they finish, so all it can lose is the ones in progress). Said even with -q, as the summary is.
      // The exit code tells which signal stopped it, as a process killed by it would report (a scheduler reads 143 as "terminated").
      let stoppedBy: NodeJS.Signals | undefined;
      const onSignal = (signal: NodeJS.Signals): void => {
        stoppedBy = signal;
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        io.err(`${tty ? '\r\x1b[K' : ''}${msg.stopping()}\n`);
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const progress = quiet ? undefined : new ProgressReporter({ write: (t) => io.err(t), tty, columns: () => process.stderr.columns });
      const n = workersFor(workers);
      if (!quiet) {
        const part = shard ? `, shard ${shard.index}/${shard.count}` : '';
        io.err(`sweep ${plan.id}: ${what}${part} on ${n} worker${n === 1 ? '' : 's'} → ${output}\n`);
      }
      let outcome: SweepOutcome;
      try {
        outcome = await runSweep(plan, {
          output, workers: n, resume: opts.resume === true, shard, signal: controller.signal,
          onProgress: (s) => progress?.update(s),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        progress?.finish();
      }
      if (outcome.droppedTornLine && !quiet) io.err(`${output}: ${msg.tornLine()}; ${msg.tornLineHint(true)}\n`);
      if (outcome.status === 'interrupted') {
        io.err(`${msg.interrupted(outcome.saved, outcome.total, output, outcome.dropped)}\n  hint: ${msg.interruptedHint()}\n`);
        throw exit(stoppedBy === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED);
      }
      const notes = [`sweep ${plan.id}: ${outcome.saved} of ${outcome.total} runs saved in ${output}` + (outcome.resumed > 0 ? ` (${outcome.resumed} ${outcome.resumed === 1 ? 'was' : 'were'} already there)` : '')];
      const report = str(opts, 'report'), csv = str(opts, 'csv');
      // A shard with no runs (more shards than runs) is done, not failed: its empty file has no report to show.
      if ((report || csv) && outcome.total === 0) notes.push(msg.emptyShardNoReport());
      else if (report || csv) notes.push(...writeSweepReports(readRecords(output, io, exit), report, csv, undefined));
      if (!quiet) io.out(notes.join('\n') + '\n');
    });

  program
    .command('merge')
    .description('merge the shards of one sweep into one results file, in canonical order; checks for gaps, duplicates and mixed sweeps')
    .argument('<files...>', 'NDJSON results of `meshtax sweep … --shard i/n`')
    .requiredOption('-o, --output <file.ndjson>', 'where to write the merged results')
    .option('--report <file.html>', 'also write the sweep report')
    .option('--csv <file.csv>', 'also write the results as CSV')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText('after', `
Examples:
  $ meshtax merge out/shard-*.ndjson -o out/all.ndjson
  $ meshtax merge a.ndjson b.ndjson -o all.ndjson --report all.html`)
    .action((files: string[], opts: Opts) => {
      checkDistinctPaths(
        files.map((path) => ({ path, what: `the input ${path}` })),
        [{ path: str(opts, 'output'), what: '-o' }, { path: str(opts, 'report'), what: '--report' }, { path: str(opts, 'csv'), what: '--csv' }],
      );
      for (const path of [str(opts, 'output'), str(opts, 'report'), str(opts, 'csv')]) if (path !== undefined) checkWritableFile(path);
      const merged = mergeResults(files);
      if (merged.text === undefined) throw new DiagnosticError(merged.diagnostics);
      const output = str(opts, 'output')!;
      writeFile(output, merged.text);
      const notes = [`merged ${files.length} file${files.length === 1 ? '' : 's'}: ${merged.runs} runs of sweep ${merged.sweep} in ${output}`];
      const report = str(opts, 'report'), csv = str(opts, 'csv');
      if (report || csv) notes.push(...writeSweepReports(readRecords(output, io, exit), report, csv, undefined));
      if (opts.quiet !== true) io.out(notes.join('\n') + '\n');
    });

  program
    .command('sweep-report')
    .description('render sweep results (NDJSON) as a self-contained HTML report, and optionally CSV')
    .argument('<results>', 'NDJSON written by `meshtax sweep` or `meshtax merge`')
    .option('-o, --output <file.html>', 'where to write the report (default: the results file with .html)')
    .option('--csv <file.csv>', 'also write one CSV row per point, entry point and mode')
    .option('--x <path>', 'the parameter on the x axis (default: a numeric swept one, the one with the most values, other than the mesh)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText('after', `
Examples:
  $ meshtax sweep-report out/bookinfo.ndjson -o out/bookinfo-sweep.html --csv out/bookinfo-sweep.csv`)
    .action((file: string, opts: Opts) => {
      reportSweepFile(file, { output: str(opts, 'output'), csv: str(opts, 'csv'), x: str(opts, 'x'), quiet: opts.quiet === true }, io, exit);
    });
}
