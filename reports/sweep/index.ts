/** The sweep report: HTML page, charts and CSV from a sweep's NDJSON records. */
import type { SweepRecord } from '../../sim/sweep/record.js';
import { sweepModelCsv } from './csv.js';
import { renderSweepHtml } from './html.js';
import { sweepReportModel, type SweepReportOptions } from './model.js';

export { sweepReportModel, findKnee, type SweepReportModel, type SweepReportOptions, type SweepRow, type Knee } from './model.js';
export { sweepCharts } from './charts.js';

export function renderSweepReport(records: readonly SweepRecord[], options: SweepReportOptions = {}): string {
  return renderSweepHtml(sweepReportModel(records, options));
}

export function sweepCsv(records: readonly SweepRecord[], options: SweepReportOptions = {}): string {
  return sweepModelCsv(sweepReportModel(records, options));
}
