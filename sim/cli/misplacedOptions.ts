import { DiagnosticError } from '../diagnostics/types.js';

/**
 * Options of one command given to another, where commander's own guess
 * misleads: `run --repeat 2` was answered "Did you mean --report?", and
 * `run --report 2` then wrote an HTML page called "2". Each names the
 * option that does it on this command.
 */
// `run --set PATH=V` was answered "Did you mean --seed?": a field is changed in the file, or by a sweep, even of one point.
const SET_HINT = (command: string) =>
  `${command} takes the file as it is: change the field in the file, or run it as a one-point sweep: meshtax sweep FILE --set PATH=VALUE -o out.ndjson`;

const MISPLACED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  run: { '--repeat': 'for several seeds, run takes --replications N (--repeat is sweep\'s)', '--set': SET_HINT('run') },
  compare: { '--repeat': 'for several seeds, compare takes --replications N (--repeat is sweep\'s)', '--set': SET_HINT('compare') },
  validate: { '--set': SET_HINT('validate') },
  sweep: {
    '--replications': 'for several seeds per point, sweep takes --repeat N',
    '--mesh': 'sweep the mesh as any other field: --set mesh=none,istio-sidecar (one value applies to every point)',
    '--x': 'sweep --report takes the default x axis; to choose it, render the results with meshtax sweep-report RESULTS.ndjson --x PATH',
  },
  'sweep-report': { '--report': 'sweep-report writes its page to -o FILE.html' },
};

const COMMANDS = new Set(['run', 'compare', 'report', 'validate', 'sweep', 'merge', 'sweep-report', 'help']);

/** Throws a DiagnosticError for an option `argv` gives a command that has it not, but another command does. */
export function checkMisplacedOptions(argv: readonly string[]): void {
  const command = argv.find((a) => COMMANDS.has(a));
  const table = command === undefined ? undefined : MISPLACED[command];
  if (table === undefined) return;
  for (const arg of argv.slice(argv.indexOf(command!) + 1)) {
    // After `--` every word is an argument, whatever it looks like.
    if (arg === '--') return;
    const flag = arg.split('=', 1)[0];
    const hint = Object.hasOwn(table, flag) ? table[flag] : undefined;
    if (hint !== undefined) {
      throw new DiagnosticError([{ severity: 'error', code: 'bad-option', path: [flag], message: `${command} has no ${flag} option`, hint }]);
    }
  }
}
