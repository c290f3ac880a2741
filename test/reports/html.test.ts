import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../reports/html/document.js';
import { fixtureCompare, fixtureRun } from './fixture.js';
import { ALL_MESHES, HOSTILE, compareFile, hostileCompare } from './helpers.js';

/** The page without the three inlined libraries: what meshtax itself wrote. */
function ownMarkup(html: string): string {
  return html.replace(/(<script data-library="[^"]*">)[\s\S]*?(<\/script>)/g, '$1$2');
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?: data-library="[^"]*")?>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
}

describe('HTML report', () => {
  it('is byte-identical for the same results', () => {
    expect(renderHtmlReport(fixtureCompare())).toBe(renderHtmlReport(fixtureCompare()));
    expect(renderHtmlReport(fixtureRun())).toBe(renderHtmlReport(fixtureRun()));
  });

  it('is self-contained and well under 2 MB for a 5-mode Bookinfo comparison', () => {
    const html = renderHtmlReport(compareFile('topologies/bookinfo.yaml', ALL_MESHES, 30));
    expect(Buffer.byteLength(html)).toBeLessThan(1.3e6);
    expect(html).not.toMatch(/sourceMappingURL/);
    // Nothing to fetch: no src or href to anything but the page's own anchors.
    expect(ownMarkup(html)).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html.match(/<script data-library="(vega|vega-lite|vega-embed)@[\d.]+">/g)).toHaveLength(3);
  });

  it('allows only its own scripts, by hash, and no network, in its Content-Security-Policy', () => {
    const html = renderHtmlReport(fixtureCompare());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/^default-src 'none'; /);
    const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src ')) ?? '';
    expect(scriptSrc).not.toContain('unsafe');
    const executable = inlineScripts(html);
    expect(executable).toHaveLength(4);
    for (const code of executable) {
      expect(csp).toContain(`'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`);
    }
  });

  it('shows hostile names as text: nothing can end a script, open a tag or start a comment', () => {
    const html = renderHtmlReport(hostileCompare());
    const own = ownMarkup(html);
    // Exactly the page's five <script> elements (chart data, three libraries, the boot script), each closed once.
    expect(own.match(/<script/gi)).toHaveLength(5);
    expect(own.match(/<\/script/gi)).toHaveLength(5);
    expect(own).not.toMatch(/<img|<b |<!--/i);
    // The names are there, escaped, in text and tooltips.
    expect(own).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39;</h1>');
    expect(own).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(3)&gt;');
    expect(own).toContain('a&amp;b &quot;quoted&quot; &lt;!--');
    expect(own).toContain(`<li>${'&lt;img src=x onerror=alert(6)&gt;'}</li>`);
    // …and intact in the chart data, which parses back to the very strings.
    const data = /<script type="application\/json" id="meshtax-charts">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(data).not.toMatch(/[<>]/);
    expect(JSON.stringify(JSON.parse(data))).toContain(JSON.stringify(HOSTILE.profile).slice(1, -1));
  });
});
