/**
 * A file the YAML parser loses its way in — a stray `{` at the top, or a
 * file of JSON lines given as the topology — yielded one
 * syntax error per token: 10,620 for a 60-run NDJSON, 4 MB on the terminal.
 * The first ones are shown, the rest counted.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTopologySource } from '../../sim/topology/load.js';
import { MAX_SYNTAX_PROBLEMS } from '../../sim/topology/document.js';

describe('syntax errors after the parser loses its way', () => {
  it('shows the first few and counts the rest', () => {
    // JSON lines meshtax did not write (a sweep's own NDJSON is named as such instead: fileKinds.test.ts).
    const line = JSON.stringify({ level: 'info', msg: 'x', fields: { mesh: 'none', a: [1, 2, 3] } });
    const ndjson = Array.from({ length: 50 }, () => line).join('\n') + '\n';
    const { topology, diagnostics } = loadTopologySource(ndjson, 'log.ndjson');
    expect(topology).toBeUndefined();
    expect(diagnostics.length).toBe(MAX_SYNTAX_PROBLEMS + 1);
    expect(diagnostics.every((d) => d.code === 'yaml-syntax')).toBe(true);
    expect(diagnostics.at(-1)!.message).toMatch(/^[\d,]+ more syntax problems from line \d+ on, not shown/);
  });

  it('adds no count to a file with a few', () => {
    const source = readFileSync('topologies/mm1.yaml', 'utf8').replace('  server:', '  server: [');
    const { diagnostics } = loadTopologySource(source, 'bracket.yaml');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(MAX_SYNTAX_PROBLEMS);
    expect(diagnostics.some((d) => d.message.includes('more syntax problem'))).toBe(false);
  });
});
