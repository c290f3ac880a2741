/** The report renderers: HTML, chart files, and the pieces they are made of. */
export { renderHtmlReport } from './html/document.js';
export { writeChartFiles } from './chartFiles.js';
export { reportModel, type ReportInput, type ReportModel } from './model.js';
export { buildCharts, chartList, type ReportChart, type ReportCharts, type ChartSpec } from './charts/index.js';
export { compileChart, renderChartSvg } from './charts/render.js';
export { serviceGraphSvg } from './graph/svg.js';
export { buildInvoice, invoiceText } from './invoice.js';
