import type { RunResult } from '../sim/results/types.js';
import { controlPlaneCharged, controlPlaneOf } from './controlPlane.js';

/**
 * RFC 4180 field: quoted when it holds a comma, quote or newline. Text a
 * spreadsheet would run as a formula (a name starting =, +, - or @) gets a
 * leading ' (OWASP's advice against CSV injection); numbers stay numbers.
 */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !Number.isFinite(Number(s))) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLines(header: string[], rows: Array<Array<string | number | boolean | null>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** One row per entry point and per service; latencies in seconds. */
export function runCsv(result: RunResult): string {
  const header = [
    'kind', 'name', 'completed', 'failed', 'error_rate', 'throughput_per_s',
    'mean_s', 'mean_ci_low_s', 'mean_ci_high_s', 'p50_s', 'p90_s', 'p99_s', 'p99_ci_low_s', 'p99_ci_high_s', 'p999_s', 'max_s',
    'utilization', 'mean_in_system',
  ];
  const rows = [
    ...result.entrypoints.map((e) => {
      const l = e.latency;
      // No request measured: no error rate (empty, as the latencies are), not 0.
      return ['entrypoint', e.name, e.completed, e.failed, e.completed === 0 ? null : e.errorRate, e.throughput, l.mean, l.ci.mean?.[0] ?? null,
        l.ci.mean?.[1] ?? null, l.p50, l.p90, l.p99, l.ci.p99?.[0] ?? null, l.ci.p99?.[1] ?? null, l.p999, l.max, null, e.meanInSystem];
    }),
    ...result.services.map((s) => {
      const l = s.latency;
      // Failed = every arrival answered without success (rejected, or failed at or below it), as for entry points;
      // not those still in flight when a --requests run stopped. (Files from before the count: arrivals − successes.)
      const failed = Number.isFinite(s.failed) ? s.failed : s.arrivals - l.count;
      return ['service', s.name, s.arrivals, failed, s.arrivals ? failed / s.arrivals : null, s.throughput,
        l.mean, l.ci.mean?.[0] ?? null, l.ci.mean?.[1] ?? null, l.p50, l.p90, l.p99, l.ci.p99?.[0] ?? null,
        l.ci.p99?.[1] ?? null, l.p999, l.max, s.utilization, s.meanInSystem];
    }),
  ];
  return csvLines(header, rows);
}

/** One row per entry point and mesh, with the change against the baseline. */
export function compareCsv(c: import('../sim/compare.js').CompareResult): string {
  const header = [
    'entrypoint', 'mesh', 'mean_s', 'p50_s', 'p90_s', 'p99_s', 'p999_s',
    'p50_delta_s', 'p50_delta_rel', 'p50_significant', 'p99_delta_s', 'p99_delta_rel', 'p99_significant',
    'error_rate', 'proxy_vcpu', 'proxy_memory_gb', 'proxy_cost_per_month',
    // The control plane apart from the proxies, and the whole mesh (proxies + control plane). The control plane's columns are empty
    // where nothing prices it (no mesh, a profile without controlPlane.resources, results saved before it was priced), as the
    // tables' "not priced" and a sweep record's absent controlPlaneCostPerMonth: a 0 there would read as a free control plane.
    'control_plane_vcpu', 'control_plane_memory_gb', 'control_plane_cost_per_month', 'mesh_cost_per_month',
  ];
  const rows = c.invoice.flatMap((ep) => ep.rows.map((r, i) => {
    const res = c.runs[i].resources;
    const cp = controlPlaneOf(res, c.runs[i].mesh.mode);
    const priced = cp !== null && controlPlaneCharged(cp) ? cp : null;
    return [ep.entrypoint, r.mesh, r.mean.value, r.p50.value, r.p90.value, r.p99.value, r.p999.value,
      r.p50.delta, r.p50.relative, r.p50.significant, r.p99.delta, r.p99.relative, r.p99.significant,
      c.runs[i].entrypoints.find((e) => e.name === ep.entrypoint)?.completed === 0 ? null : r.errorRate, res.proxyVcpu, res.proxyMemoryGB, res.proxyCostPerMonth,
      priced?.vcpu ?? null, priced?.memoryGB ?? null, priced?.costPerMonth ?? null, res.meshCostPerMonth ?? null];
  }));
  return csvLines(header, rows);
}
