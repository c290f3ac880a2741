import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createSourceIndex, locate, pathAtOffset } from '../../sim/topology/locate.js';

const source = [
  'name: demo', //                                    1
  'services:', //                                     2
  '  api:', //                                        3
  '    serviceTime: {dist: lognormal, median: 2ms}', // 4
  '    calls:', //                                    5
  '      - db', //                                    6
  '      - call: cache', //                           7
  '    zones:', //                                    8
  '  db: {serviceTime: 1ms}', //                      9
].join('\n');

const lineCounter = new LineCounter();
const doc = parseDocument(source, { lineCounter });
const index = createSourceIndex('demo.yaml', source, doc, lineCounter);
const where = (path: Array<string | number>, anchor?: 'key' | 'value') => {
  const { line, column } = locate(index, path, anchor);
  return `${line}:${column}`;
};

describe('locate', () => {
  it('points at a scalar value', () => {
    expect(where(['name'])).toBe('1:7');
    expect(where(['services', 'api', 'calls', 0])).toBe('6:9');
    expect(where(['services', 'api', 'calls', 1, 'call'])).toBe('7:15');
  });

  it('points at the key of a block collection or an empty value, on the line that names it', () => {
    expect(where(['services', 'api'])).toBe('3:3');
    expect(where(['services', 'api', 'calls'])).toBe('5:5');
    expect(where(['services', 'api', 'zones'])).toBe('8:5');
  });

  it('points at the key itself when asked', () => {
    expect(where(['services', 'api', 'serviceTime'], 'key')).toBe('4:5');
  });

  it('walks up to the nearest existing parent for a missing key', () => {
    expect(where(['services', 'api', 'serviceTime', 'p99'])).toBe('4:18');
    expect(where(['services', 'api', 'replicas'])).toBe('3:3');
    expect(where(['services', 'db', 'calls'])).toBe('9:7');
    expect(where(['entrypoints'])).toBe('1:1');
  });

  it('carries the source line', () => {
    expect(locate(index, ['services', 'api', 'calls', 1, 'call']).lineText).toBe('      - call: cache');
  });
});

describe('pathAtOffset', () => {
  it('finds the key path of a key or value at an offset', () => {
    expect(pathAtOffset(doc, source.indexOf('cache'))).toEqual(['services', 'api', 'calls', 1, 'call']);
    expect(pathAtOffset(doc, source.indexOf('median'))).toEqual(['services', 'api', 'serviceTime', 'median']);
  });
});
