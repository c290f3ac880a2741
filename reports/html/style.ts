/** The page's stylesheet: system fonts only (no web font: the file opens offline), print-friendly. */
export const STYLE = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; --warn: #9a6700; --warnbg: #fff8c5; --up: #b42318; --down: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1220px; margin: 0 auto; padding: 24px 28px 64px; }
header.report { border-bottom: 1px solid var(--line); padding-bottom: 14px; margin-bottom: 8px; }
header.report h1 { font-size: 26px; margin: 0 0 2px; }
header.report .kicker { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .05em; }
header.report .description { font-size: 15px; margin: 4px 0 10px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 13px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.chip { display: inline-flex; align-items: center; gap: 5px; margin-right: 12px; white-space: nowrap; }
.chip i { display: inline-block; width: 11px; height: 11px; border-radius: 2px; }
nav.toc { font-size: 13px; margin: 10px 0 0; color: var(--muted); }
nav.toc a { color: #0969da; text-decoration: none; margin-right: 14px; }
h2 { font-size: 20px; margin: 34px 0 6px; padding-top: 6px; border-top: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.lead, p.note { color: var(--muted); margin: 0 0 10px; max-width: 900px; }
section.invoice { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 4px 20px 12px; margin-top: 18px; }
section.invoice h2 { border-top: 0; margin-top: 10px; }
section.invoice ul { padding-left: 20px; margin: 6px 0; }
section.invoice li { margin: 8px 0; max-width: 980px; }
section.invoice p.bottom { font-weight: 600; margin: 12px 0 4px; }
section.invoice p.no-effect { color: #4d2d00; background: var(--warnbg); border-left: 3px solid #d4a72c; padding: 4px 10px; margin: 8px 0; max-width: 980px; }
.warnings { background: var(--warnbg); border: 1px solid #d4a72c; border-radius: 8px; padding: 8px 16px; margin-top: 16px; color: #4d2d00; }
.warnings ul { margin: 4px 0; padding-left: 20px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; white-space: nowrap; }
th { background: var(--soft); font-weight: 600; white-space: normal; vertical-align: bottom; min-width: 56px; }
tr:first-child > th:first-child, td:first-child, td.name { text-align: left; }
th.group { text-align: center; border-bottom: 1px solid var(--line); }
td.name { font-weight: 600; }
tr.baseline td { background: #fafbfc; }
.delta { display: block; font-size: 11px; }
.delta.sig.up { color: var(--up); }
.delta.sig.down { color: var(--down); }
.delta.noise { color: var(--muted); }
.scroll { overflow-x: auto; }
figure { margin: 14px 0 22px; }
/* block: vega-embed makes its element an inline-block as wide as the chart, which overflow-x cannot scroll: a chart wider than the column pushed the whole page sideways. */
figure .chart { display: block; min-height: 60px; overflow-x: auto; }
figcaption { color: var(--muted); font-size: 13px; max-width: 900px; margin-top: 4px; }
div.graph { overflow-x: auto; }
svg.service-graph { max-width: 100%; height: auto; }
details.profile { margin: 8px 0; }
details.profile summary { cursor: pointer; font-weight: 600; }
details.profile ul { margin: 4px 0; font-size: 13px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 10px; }
.vg-tooltip { font-size: 12px !important; }
@media print { nav.toc { display: none; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
`;
