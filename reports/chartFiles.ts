/**
 * `--charts DIR`: each chart as its Vega-Lite spec with the data inlined
 * (`NAME.vl.json`, opens in the Vega editor or any Vega-Lite tool) and as an
 * SVG drawn headless in Node (`NAME.svg`, for slides and design documents),
 * plus the service graph as `service-graph.svg`.
 */
import { writeAtomically } from '../sim/writeAtomically.js';
import { makeDirs } from '../sim/makeDirs.js';
import { join } from 'node:path';
import { buildCharts, chartList } from './charts/index.js';
import { renderChartSvg } from './charts/render.js';
import { serviceGraphSvg } from './graph/svg.js';
import { reportModel, type ReportInput } from './model.js';
import { lackingValue } from './readResults.js';

/** Writes the files and returns their paths, in a stable order. */
export async function writeChartFiles(dir: string, input: ReportInput): Promise<string[]> {
  const model = reportModel(input);
  // Drawn before anything is written: results lacking a value deeper than the shape check fail here, leaving no files.
  let charts: ReturnType<typeof chartList>;
  let graph: string;
  try {
    charts = chartList(buildCharts(model));
    graph = serviceGraphSvg(model.runs[0].graph);
  } catch (e) {
    throw lackingValue(e);
  }
  makeDirs(dir);
  const written: string[] = [];
  const write = (name: string, text: string): void => {
    const path = join(dir, name);
    writeAtomically(path, text);
    written.push(path);
  };
  for (const chart of charts) {
    write(`${chart.id}.vl.json`, JSON.stringify(chart.spec, null, 2) + '\n');
    write(`${chart.id}.svg`, (await renderChartSvg(chart.spec)) + '\n');
  }
  write('service-graph.svg', `<?xml version="1.0" encoding="UTF-8"?>\n${graph}\n`);
  return written;
}
