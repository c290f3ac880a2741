import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../reports/html/escape.js';

describe('escaping user strings', () => {
  it('escapes the five HTML specials, in text and attributes alike', () => {
    expect(escapeHtml(`<script>alert(1)</script> & "q" 'a'`)).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('makes JSON that cannot end its <script> and parses back to the same value', () => {
    const value = { name: '</script><!-- <script>alert(1)</script>', amp: 'a&b', sep: 'x\u2028y\u2029z', gt: '-->' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('keeps CSV text from running as a spreadsheet formula, and numbers as numbers', async () => {
    const { csvField } = await import('../../reports/csv.js');
    expect(csvField("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('+1+1,2')).toBe(`"'+1+1,2"`);
    expect(csvField('-0.5')).toBe('-0.5');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField('web')).toBe('web');
  });
});
