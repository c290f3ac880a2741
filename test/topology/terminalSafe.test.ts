/**
 * What a diagnostic echoes of the file reaches the terminal: a binary file,
 * or one with escape sequences in it, must not act on the terminal, and a
 * file of prose (one long string to YAML) must not be printed whole.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { loadTopologySource } from '../../sim/topology/load.js';

// C0 controls but newline, DEL and the C1 controls.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('diagnostics of hostile or wrong files', () => {
  it('shows no raw control character from the source line', () => {
    const { diagnostics } = loadTopologySource('name: x\u001b[31mRED\u001b[0m\n\u0007services: {}\n', 'esc.yaml');
    const text = formatDiagnostics(diagnostics);
    expect(text).toContain('esc.yaml:1:1');
    expect(text).not.toMatch(CONTROL);
  });

  it('quotes the start of a file that is one long string, not all of it', () => {
    const prose = Array.from({ length: 200 }, (_, i) => `this is line ${i} of some notes without any colon`).join('\n');
    const { diagnostics } = loadTopologySource(prose, 'notes.yaml');
    const text = formatDiagnostics(diagnostics);
    expect(text).toContain('the top level must be a mapping of keys, got the string "this is line 0');
    expect(text.length).toBeLessThan(1000);
  });
});

describe('values of the file echoed in a message', () => {
  it('escapes the C1 controls (CSI U+009B) a YAML "\\x9b" escape puts in a string, as it does ESC', () => {
    const { diagnostics } = loadTopologySource(
      'name: x\ndescription: y\nservices:\n  a: {replicas: "\\x9b2J\\x1b[2J", serviceTime: 1ms}\nentrypoints:\n  w: {target: a, rate: 1/s}\n', 'c1.yaml');
    const text = formatDiagnostics(diagnostics);
    expect(text).toContain('the string "\\u009b2J\\u001b[2J"');
    expect(text).not.toMatch(CONTROL);
  });
});

describe('bidirectional controls in names', () => {
  it('refuses a name with a right-to-left override, and neither its message nor its source line carries the override', () => {
    // "a\u202eb" printed "a" and then everything after it on the line reversed, in every table, CSV and chart:
    // a name that reads as another. Before, it passed validate and reached the terminal raw.
    const src = 'name: x\nservices:\n  "a\\u202eb": {serviceTime: 1ms}\nentrypoints:\n  w: {target: "a\\u202eb", rate: 1/s}\n';
    const { diagnostics } = loadTopologySource(src, 'bidi.yaml');
    const bad = diagnostics.filter((d) => d.code === 'bad-name');
    expect(bad.map((d) => d.message)).toEqual(['a service name holds an unprintable character (U+202E): "a\\u202eb"']);
    const text = formatDiagnostics(diagnostics);
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    // Written raw in the file (not as a YAML escape), the source line shows a replacement character in its place.
    const raw = formatDiagnostics(loadTopologySource('name: x\nservices:\n  "a\u202eb": {serviceTime: 1ms}\nentrypoints:\n  w: {target: "a\u202eb", rate: 1/s}\n', 'raw.yaml').diagnostics);
    expect(raw).toContain('"a\ufffdb"');
    expect(raw).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});
