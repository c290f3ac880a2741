import { describe, expect, it } from 'vitest';
import { formatDiagnostic, formatDiagnostics, formatPath } from '../../sim/diagnostics/format.js';
import type { Diagnostic } from '../../sim/diagnostics/types.js';
import { closest, editDistance } from '../../sim/topology/suggest.js';

const at = (line: number, column: number, lineText: string) => ({ file: 'f.yaml', line, column, lineText });

describe('formatPath', () => {
  it('writes keys dotted and indices in brackets', () => {
    expect(formatPath(['services', 'api', 'calls', 0, 'parallel', 1, 'call'])).toBe('services.api.calls[0].parallel[1].call');
  });

  it('quotes keys that would read ambiguously', () => {
    expect(formatPath(['services', 'api.v2', 'zones'])).toBe('services["api.v2"].zones');
    expect(formatPath(['services', 'product-page'])).toBe('services.product-page');
    expect(formatPath([])).toBe('');
  });
});

describe('formatDiagnostic', () => {
  const d: Diagnostic = {
    severity: 'error',
    code: 'unknown-service',
    path: ['services', 'api', 'calls', 0, 'call'],
    message: 'unknown service "pyments"',
    hint: 'did you mean "payments"? known services: api, db, payments',
    location: { file: 'topologies/bad.yaml', line: 15, column: 15, lineText: '      - call: pyments' },
  };

  it('prints the header, the source line with a caret, and the hint', () => {
    expect(formatDiagnostic(d)).toBe(
      [
        'topologies/bad.yaml:15:15: error[unknown-service]: services.api.calls[0].call: unknown service "pyments"',
        '   15 |       - call: pyments',
        '      |               ^',
        '  hint: did you mean "payments"? known services: api, db, payments',
      ].join('\n'),
    );
  });

  it('widens the gutter for long files and keeps the caret under tabs', () => {
    const text = formatDiagnostic({ severity: 'warning', code: 'x', path: [], message: 'm', location: at(12345, 3, '\t\tk: v') });
    expect(text).toBe(['f.yaml:12345:3: warning[x]: m', ' 12345 |   k: v', '       |   ^'].join('\n'));
  });

  it('omits what it does not have', () => {
    expect(formatDiagnostic({ severity: 'error', code: 'file-not-found', path: [], message: 'no file' })).toBe('error[file-not-found]: no file');
  });
});

describe('formatDiagnostics', () => {
  const error: Diagnostic = { severity: 'error', code: 'a', path: ['x'], message: 'bad' };
  const warning: Diagnostic = { severity: 'warning', code: 'b', path: ['y'], message: 'odd' };

  it('separates diagnostics by a blank line and ends with the counts', () => {
    expect(formatDiagnostics([error, error, warning])).toBe(
      'error[a]: x: bad\n\nerror[a]: x: bad\n\nwarning[b]: y: odd\n\n2 errors, 1 warning',
    );
    expect(formatDiagnostics([])).toBe('0 errors, 0 warnings');
  });
});

describe('closest', () => {
  it('finds typos, case slips and nothing when nothing is near', () => {
    expect(closest('pyments', ['api', 'db', 'payments'])).toBe('payments');
    expect(closest('servicetime', ['replicas', 'serviceTime'])).toBe('serviceTime');
    expect(closest('xyz', ['api', 'db', 'payments'])).toBeUndefined();
    expect(closest('d', ['db', 'a'])).toBe('db');
  });

  it('counts edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('abrot', 'abort')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(closest('abrot', ['rollout', 'abort', 'delay'])).toBe('abort');
  });
});
