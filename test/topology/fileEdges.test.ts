/**
 * Files as editors and shells write them: a byte-order mark before JSON
 * (Notepad, PowerShell's UTF8 encoding), UTF-16 text (PowerShell 5's `>`),
 * and nesting deep enough to overflow the YAML parser's stack. Each is a
 * clear error or a loaded topology, never "internal error"; and a null key
 * (`~:`) used as a name, pointed at where it is written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTopologyFile, loadTopologySource } from '../../sim/topology/load.js';

const JSON_TOPOLOGY = JSON.stringify({
  name: 'bom', services: { api: { serviceTime: '1ms' } }, entrypoints: { web: { target: 'api', rate: '10/s' } },
});
const YAML_TOPOLOGY = 'name: u16\nservices:\n  api: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 10/s}\n';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-encoding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('text encodings', () => {
  it('reads a .json file that starts with a UTF-8 byte-order mark', () => {
    const { topology, diagnostics } = loadTopologySource('\uFEFF' + JSON_TOPOLOGY, 'bom.json');
    expect(diagnostics).toEqual([]);
    expect(topology?.name).toBe('bom');
  });

  it('reads a .json file with a byte-order mark from disk', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON_TOPOLOGY)]));
    expect(loadTopologyFile(file).topology?.name).toBe('bom');
  });

  it('refuses UTF-16 text with what it is and how to save it', () => {
    for (const [name, bytes] of [
      ['le.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(YAML_TOPOLOGY, 'utf16le')])],
      ['be.yaml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(YAML_TOPOLOGY, 'utf16le').swap16()])],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const { topology, diagnostics } = loadTopologyFile(file);
      expect(topology).toBeUndefined();
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0].code).toBe('file-unreadable');
      expect(diagnostics[0].message).toMatch(/UTF-16/);
      expect(diagnostics[0].hint).toMatch(/UTF-8/);
      // No NULs from the UTF-16 text reach the terminal.
      expect(JSON.stringify(diagnostics)).not.toMatch(/\\u0000/);
    }
  });
});

describe('nesting deeper than the YAML parser follows', () => {
  it('is an error at its line for block collections, not a thrown RangeError', () => {
    const lines = ['name: deep', 'services:', '  api:', '    serviceTime: 1ms', '    calls:'];
    let indent = '      ';
    for (let i = 0; i < 1000; i++) {
      lines.push(`${indent}- parallel:`);
      indent += '    ';
    }
    lines.push(`${indent}- db`, '  db: {serviceTime: 0}', 'entrypoints:', '  web: {target: api, rate: 10/s}');
    const { topology, diagnostics } = loadTopologySource(lines.join('\n') + '\n', 'deep.yaml');
    expect(topology).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['too-deep']);
    expect(diagnostics[0].message).not.toMatch(/call stack/);
    expect(diagnostics[0].location?.line).toBeGreaterThan(5);
  });

  it('is one error in its own words for flow collections', () => {
    const source = 'name: deep\nzones: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n';
    const { diagnostics } = loadTopologySource(source, 'deep.yaml');
    expect(diagnostics.map((d) => d.code)).toEqual(['too-deep']);
    expect(diagnostics[0].message).not.toMatch(/call stack/);
    expect(diagnostics[0].hint).not.toMatch(/yaml\.org/);
    expect(diagnostics[0].location?.line).toBe(2);
  });
});

describe('a null key as a name', () => {
  it('is reported at its own line, not at the mapping holding it', () => {
    const source = 'name: nk\nservices:\n  api: {serviceTime: 1ms}\n  ~: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 10/s}\n';
    const { topology, diagnostics } = loadTopologySource(source, 'nk.yaml');
    expect(topology).toBeUndefined();
    const blank = diagnostics.find((d) => d.code === 'empty');
    expect(blank?.path).toEqual(['services', '']);
    expect(blank?.location).toMatchObject({ line: 4, column: 3 });
  });
});
