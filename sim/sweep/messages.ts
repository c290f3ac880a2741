/**
 * Every text the sweep commands show a user (after the topology loader's
 * messages.ts): functions that return strings. A message says what is
 * wrong; its hint says what to do about it.
 */

import { quoted } from '../diagnostics/format.js';

const q = (text: string): string => quoted(text);

// ---- --set and sweep files ----------------------------------------------------

export const setWithoutEquals = (arg: string) => `--set ${q(arg)} has no "="`;
export const setWithoutEqualsHint = () => 'write PATH=VALUES, e.g. --set services.api.replicas=1,2,3 or --set entrypoints.web.rate=100/s..1000/s:100/s';
export const badPath = (path: string, why: string) => `bad path ${q(path)}: ${why}`;
export const badPathHint = () => 'a path names keys of the topology file joined by dots, e.g. services.api.replicas, mesh.sidecar.workers or timeline[0].at';
export const emptyValue = () => 'an empty value';
export const emptyValueHint = () => 'remove the extra comma, or quote an empty string: ""';
export const badValue = (text: string, why: string) => `cannot read the value ${q(text)}: ${why}`;
export const badValueHint = () => 'values are written as in the topology file: 3, 100/s, 2ms, istio-sidecar, {dist: exponential, mean: 2ms}';

export const rangeUnits = (text: string) => `the range ${q(text)} mixes units`;
export const rangeUnitsHint = () => 'write every bound and the step in one unit, e.g. 100/s..2000/s:100/s';
export const rangeNoStep = (text: string) => `the range ${q(text)} has no step`;
export const rangeNoStepHint = (unit: string) => `add one after a colon, e.g. 100${unit}..1000${unit}:100${unit}`;
export const rangeStep = (text: string) => `the step of the range ${q(text)} must be greater than 0`;
export const rangeStepHint = () => 'the step is how far apart the values are, e.g. 1..8:1 or 100/s..2000/s:100/s; for one value, write it alone';
export const rangeOrder = (text: string) => `the range ${q(text)} ends before it starts`;
export const rangeOrderHint = () => 'write the smaller bound first: FROM..TO:STEP';
export const rangeTooLong = (text: string, n: number, max: number) => `the range ${q(text)} has ${n} values, more than ${max}`;
export const rangeTooLongHint = () => 'use a larger step';
export const rangePrecision = (text: string) => `the range ${q(text)} needs more digits than a number holds exactly`;
export const rangePrecisionHint = () => 'write its bounds and step with fewer decimal places, or in a smaller unit (1500us, not 1.5e-3s); or list the values';

export const duplicateAxis = (path: string) => `${path} is swept twice`;
export const duplicateAxisHint = () => 'give each path once, in --set or in the sweep file, with all its values';
export const pathInGridAndPoints = (path: string) => `${path} is both in the grid and in points`;
export const pathInGridAndPointsHint = () => 'a point is combined with every combination of the grid, so a path belongs to one of them';
export const duplicatePoint = (params: string) => `the point ${params} is listed twice`;
export const duplicatePointHint = () => 'each combination of values runs once; use --repeat for more seeds';
export const sameAfterConversion = (first: string, second: string, firstAt: string) =>
  `${first}${firstAt ? ` (at ${firstAt})` : ''} and ${second} are equal after unit conversion: the two would run the same point twice`;
export const sameAfterConversionHint = (first: string, second: string) => `keep one of ${first} and ${second}; each value runs once, whatever its unit`;
export const samePointAfterConversion = (params: string, first: string, firstAt: string) =>
  `the point ${params} is the point ${first}${firstAt ? ` (at ${firstAt})` : ''} in other units: equal after unit conversion, it would run twice`;
export const morePoints = (n: number) => ` — and likewise for ${n} more ${n === 1 ? 'value' : 'values'} of the sweep`;
export const nothingToSweep = () => 'nothing to sweep';
export const nothingToSweepHint = () => 'give --set PATH=VALUES (e.g. --set mesh=none,istio-sidecar), or --sweep FILE.yaml with a grid or points';
export const nothingInSweepFileHint = () =>
  'the sweep file has no grid or points: give it grid: {PATH: [values]} (e.g. grid: {mesh: [none, istio-sidecar]}) or points, or add --set PATH=VALUES';
export const tooManyRuns = (n: number, max: number) => `the sweep has ${n} runs, more than ${max}`;
export const tooManyRunsHint = () => 'split it in several sweeps, or use coarser ranges';

export const sweepFileKey = (key: string) => `unknown key ${q(key)} in a sweep file`;
export const sweepFileGrid = () => 'grid must be a mapping of paths to values';
export const sweepFileGridHint = () => 'for example grid: {mesh: [none, istio-sidecar], entrypoints.web.rate: 100/s..1000/s:100/s}';
export const sweepFilePoints = () => 'points must be a list of mappings of paths to values';
export const sweepFilePointsHint = () => 'for example points: [{mesh: istio-sidecar, mesh.sidecar.workers: 4}, {mesh: linkerd}]';
export const sweepFileRepeat = () => 'repeat must be a whole number ≥ 1';
export const sweepFileRepeatHint = () => 'the runs of each point, each with its own seed: 1 runs each once, 5 gives the report confidence bands';
export const sweepFileSeed = () => 'seed must be a whole number ≥ 0';
export const sweepFileSeedHint = () => `the base seed each run's own seed is derived from, from 0 to ${Number.MAX_SAFE_INTEGER}, e.g. seed: 7; leave it out for simulation.seed`;
export const emptyList = (path: string) => `${path} has no values`;
export const emptyListHint = () => 'give at least one value';

// ---- options ------------------------------------------------------------------

export const badShard = (text: string) => `--shard ${q(text)}: expected i/n with 0 ≤ i < n`;
export const badShardHint = () => 'for example --shard 0/4 … --shard 3/4; in a Kubernetes Indexed Job, --shard $JOB_COMPLETION_INDEX/N';
export const setsDuration = (flag: string, path: string) => `${flag} and --set ${path} both set the run's length`;
export const setsSameField = (flag: string, path: string) => `${flag} and the swept ${path} both set it: the flag would replace the swept value at every point`;
export const setsDurationHint = (flag: string) => `${flag} applies to every point; drop it, or drop the --set`;

// ---- results files --------------------------------------------------------------

export const outputMissing = () => 'no results file: -o (--output) names where each finished run is saved';
export const outputMissingHint = () => 'add -o out/sweep.ndjson (or --dry-run to list the points without running them)';
export const resultsIsDirectory = (file: string) => `${q(file)} is a directory, not a results file`;
export const resultsIsDirectoryHint = () => 'name an NDJSON file, for example out/sweep.ndjson';
export const resultsTooLarge = (file: string, size: string) => `cannot read ${q(file)}: it holds more than ${size}, too large for a results file`;
export const resultsTooLargeHint = () => 'is it the file you meant? a device (such as /dev/zero, or a symlink to it) or a pipe that never ends cannot be read as results; split a very large sweep with --shard and report each shard';
export const outputNotAFile = (file: string) => `-o ${q(file)} is not a regular file: a sweep reads its results file back (to resume, and to rewrite it in order), which a pipe or a device cannot give`;
export const outputNotAFileHint = () => 'write the results to a file (-o out/sweep.ndjson); print them afterwards with cat, or render them with meshtax sweep-report';
export const outputExists = (file: string, runs: number, torn = false) =>
  `${q(file)} already holds ${runs} ${runs === 1 ? 'result' : 'results'}${torn ? ' and the torn start of another (a sweep killed while writing it)' : ''}`;
export const outputExistsHint = () => 'pass --resume to run only the missing points, or choose another output file (or delete this one)';
export const otherSweep = (file: string, what: string) => `${q(file)} holds results of another sweep: ${what}`;
export const otherSweepHint = () => 'resuming would mix results of two different sweeps; write to a new output file, or delete this one to start over';
export const changedTopology = (name: string) => `the topology ${q(name)} changed since they were written (its file, or a mesh profile file its points use)`;
export const otherShard = (file: string, run: number, shard: { index: number; count: number }) =>
  `${q(file)} holds run ${run}, which shard ${shard.index}/${shard.count} does not run: it was written by another shard`;
export const otherShardHint = (run: number, count: number) =>
  `resume each shard into its own file: this one looks like --shard ${run % count}/${count}'s (or a different shard count's)`;
/** A sweep that finished and found its results file not as it left it: another process writing the same -o. */
export const sweepLocked = (file: string, holder: string | null) =>
  `another meshtax sweep${holder === null ? '' : ` (process ${holder})`} is writing ${q(file)}: two sweeps in one results file would interleave their runs`;
export const sweepLockedHint = (lock: string) =>
  `wait for it to finish, or stop it (Ctrl-C or kill: it saves the runs it finished, which --resume keeps), or give this sweep another -o (shards write a file each, then merge); if no sweep is running (it was killed on another machine), delete ${q(lock)}`;
export const concurrentWrite = (what: string) => `${what}; another meshtax sweep wrote to this file while this one ran, so the file was left as it is`;
export const concurrentWriteHint = (what: 'other-shard' | 'other-sweep' | 'lost-runs') =>
  what === 'other-shard'
    ? 'give each shard its own -o file, then merge them; this one now holds runs of several shards: the same command without --shard, with --resume, finishes the whole sweep in it'
    : what === 'other-sweep'
      ? 'give each sweep its own -o file; this one now mixes the results of two sweeps, which no resume can finish: delete it and run again'
      : 'give each sweep and each shard its own -o file; once nothing else writes to this one, the same command with --resume runs the missing runs again';
export const lostRuns = (file: string, count: number, runs: string, shard: { index: number; count: number } | undefined) =>
  `${count === 1 ? 'run' : 'runs'} ${runs} of this ${shard ? `shard (${shard.index}/${shard.count})` : 'sweep'} ${count === 1 ? 'is' : 'are'} missing from ${q(file)}, though ${count === 1 ? 'it was' : 'they were'} written to it`;
export const noSuchFile = (file: string) => `${q(file)} does not exist`;
export const emptyShardNoReport = () => 'this shard has no runs (more shards than runs): no report or CSV written; merge the shards and report the merged file';
export const noSuchFileHint = () => 'check the path: sweep results are the NDJSON file that meshtax sweep -o writes (a shard with no runs writes one too, empty)';
export const changedDefinition = () => 'the sweep definition (--set values, sweep file, --repeat, --seed, --duration or another option) changed since they were written';
export const changedVersion = (was: string, now: string) => `they were written by meshtax ${was}, this is ${now}`;
export const badLine = (why: string) => `not a sweep result: ${why}`;
export const badLineHint = () => 'each line of a sweep results file is one JSON object written by meshtax sweep';
export const badSummary = (what: string) => `its summary is not as meshtax writes it: ${what}`;
export const badSummaryHint = () => 'was the line edited? a report of it would show a wrong number; delete the line and run that point again (meshtax sweep … --resume)';
export const moreBadLines = (n: number, last: number) => `${n} more lines, up to line ${last}, are not sweep results either`;
export const moreBadLinesHint = () => 'is this a sweep results file? `meshtax report` reads those (NDJSON) and the JSON of `meshtax run|compare … -o FILE.json`';
export const tornLine = () => 'the last line is incomplete (the sweep was killed while writing it)';
export const tornLineReport = () => 'the last line is incomplete (the sweep was killed while writing it); the report leaves that run out';
export const tornLineHint = (resume: boolean) =>
  resume ? 'it is dropped; that run is done again' : 'resume that shard (meshtax sweep … --resume) so it finishes, then merge';

export const mixedSweeps = (a: string, b: string) => `results of two different sweeps: ${a} and ${b}`;
export const sweepsDiffer = (what: readonly string[]) => (what.length === 0 ? 'their identities differ' : `they differ in ${what.join(', and in ')}`);
export const mixedSweepsHint = () => 'merge only the shards of one sweep: same topology, same sweep definition, same meshtax';
export const editedIdentity = (id: string, where: string, what: readonly string[]) =>
  `its sweep identity is not the one at ${where}, though both carry the id ${id}: ${sweepsDiffer(what)}`;
export const editedIdentityHint = () =>
  'was the line edited? the id is a hash of the rest of the identity, so lines of one sweep carry the same one; delete the edited line and run that point again (meshtax sweep … --resume)';
export const unknownRangeKey = (key: string) => `unknown key "${key}" in a range`;
export const unknownRangeKeyHint = (suggestion: string | undefined) =>
  `${suggestion ? `did you mean "${suggestion}"? ` : ''}a range is {from: 100/s, to: 1000/s, step: 100/s}; step may be left out`;
export const duplicateRun = (run: number, where: string) => `run ${run} is also at ${where}`;
export const moreDuplicateRuns = (n: number) => `${n} more ${n === 1 ? 'run appears' : 'runs appear'} twice as well, up to this line`;
export const repeatedRunHint = () => 'a results file holds each run once: was a line copied, or were files joined by hand? `meshtax merge` joins shards and checks them';
export const duplicateRunHint = () => 'two shards overlap: check that each ran a different --shard i/n of the same n';
export const missingRuns = (n: number, total: number, list: string) => `${n} of ${total} runs are missing: ${list}`;
export const missingRunsHint = () => 'a shard is missing or did not finish: run it (with --resume if it started), then merge again';
export const mergedTooLarge = (runs: number, size: string, max: string) => `the ${runs} runs would make a results file of ${size}, more than meshtax can read back (${max})`;
export const mergedTooLargeHint = () => 'report each shard on its own (meshtax sweep-report SHARD.ndjson), or split the sweep into smaller sweeps (fewer points or repeats)';
export const noResults = (file: string) => `${q(file)} holds no results`;
export const noResultsAnywhere = (files: number) => `none of the ${files} files holds any results`;
// An empty file is what a shard with no runs (more shards than runs) or a sweep stopped before its first run leaves.
export const noResultsHint = () => 'it is empty: a sweep stopped before its first run finished, or a shard with no runs; finish the sweep with --resume, or give the files of shards that ran';
export const fileGivenTwice = (file: string) => `${q(file)} is given twice`;
export const fileGivenTwiceHint = () => 'name each shard file once';

// ---- progress and summaries -----------------------------------------------------

export const interrupted = (saved: number, total: number, file: string, dropped: number) =>
  `interrupted: ${saved} of ${total} runs are saved in ${file}` + (dropped > 0 ? ` (${dropped} in progress ${dropped === 1 ? 'was' : 'were'} dropped)` : '');
/** Said at the first Ctrl-C or SIGTERM: saving takes a moment, and the second signal's default (stop now) is the way out of it. */
export const stopping = () => 'stopping: the finished runs stay saved, the ones in progress are dropped; a second Ctrl-C (or SIGTERM) stops at once';
export const interruptedHint = () => 'run the same command with --resume to finish the missing runs';
export const wholeJsonDocument = () => 'not sweep results: the file is one JSON document, such as the results of meshtax run or compare, not lines of a sweep';
export const htmlNotSweepResults = (meshtax: boolean) =>
  `this is ${meshtax ? 'meshtax\'s HTML report' : 'an HTML page'}, not sweep results: a report is made from the results, and cannot be read back as them`;
export const htmlNotSweepResultsHint = (beside: string | undefined) =>
  `give the results it was made from instead: the NDJSON that meshtax sweep -o writes${beside === undefined ? '' : ` (here, likely ${beside})`} (run and compare results, JSON, go to meshtax report); open the page in a browser`;
export const wholeJsonDocumentHint = () => '`meshtax report FILE.json` renders run and compare results; sweep-report and merge read the NDJSON that `meshtax sweep -o` writes';
