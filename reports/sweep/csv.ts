/** The sweep as CSV: one row per point, entry point and mode; latencies in seconds. */
import { csvLines } from '../csv.js';
import type { Estimate, SweepReportModel } from './model.js';
import { showValue } from './model.js';

export function sweepModelCsv(model: SweepReportModel): string {
  const params = [...model.swept.map((p) => p.key), ...model.fixed.map((p) => p.key)];
  const header = [
    'point', ...params, 'mesh_profile', 'entrypoint', 'repeats', 'aborted',
    'p50_s', 'p50_ci_low_s', 'p50_ci_high_s', 'p99_s', 'p99_ci_low_s', 'p99_ci_high_s', 'mean_s',
    'error_rate', 'throughput_per_s', 'mesh_caused_failures', 'proxy_vcpu', 'proxy_memory_gb', 'proxy_cost_per_month', 'mesh_cost_per_month', 'saturated', 'knee', 'aborted_reason', 'warnings',
  ];
  const trio = (e: Estimate) => [e.value, e.lo, e.hi];
  const rows = [...model.rows].sort((a, b) => a.order - b.order || model.entrypoints.indexOf(a.entrypoint) - model.entrypoints.indexOf(b.entrypoint)).map((r) => [
    r.order, ...params.map((k) => (r.params[k] === undefined ? null : showValue(r.params[k]))), r.mesh, r.entrypoint, r.repeats, r.aborted,
    ...trio(r.p50), ...trio(r.p99), r.mean.value,
    r.errorRate.value, r.throughput.value, r.meshCaused.value, r.proxyVcpu.value, r.proxyMemoryGB.value, r.proxyCostPerMonth.value, r.meshCostPerMonth.value,
    r.saturated, model.knees.some((k) => k.series === r.series && k.entrypoint === r.entrypoint && k.x === r.x), r.abort,
    r.warnings.length > 0 ? r.warnings.join(' ') : null,
  ]);
  return csvLines(header, rows);
}
