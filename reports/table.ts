import type { ControlPlaneTax, RunResult, LatencySummary, ResourceTax } from '../sim/results/types.js';
import { COMPONENTS } from '../sim/model/components.js';
import { controlPlaneCharged, controlPlaneOf } from './controlPlane.js';
import { formatCount, formatDollars, formatPods, formatPercent, formatPrice, formatRate, formatSeconds, sig, textTable } from './format.js';

function withCi(value: number, ci: [number, number] | null): string {
  if (!ci) return formatSeconds(value);
  return `${formatSeconds(value)} ±${formatSeconds((ci[1] - ci[0]) / 2)}`;
}

function latencyCells(l: LatencySummary): string[] {
  return [withCi(l.mean, l.ci.mean), withCi(l.p50, l.ci.p50), formatSeconds(l.p90), withCi(l.p99, l.ci.p99), formatSeconds(l.p999), formatSeconds(l.max)];
}

/** What the control plane did in the measured window, in words: "12 pushes reaching 540 proxies, 30 certificates". */
export function controlPlaneWork(cp: ControlPlaneTax): string {
  const n = (x: number, one: string, many: string): string => `${formatCount(x)} ${x === 1 ? one : many}`;
  return `${n(cp.pushes, 'push', 'pushes')} reaching ${n(cp.proxyPushes, 'proxy', 'proxies')}, ${n(cp.certificates, 'certificate', 'certificates')} issued or renewed`;
}

/** The control plane's lines under the proxies' (none for a run without a mesh). */
function controlPlaneLines(r: ResourceTax, mode: string): string[] {
  const cp = controlPlaneOf(r, mode);
  if (cp === null) return [];
  const work = controlPlaneWork(cp);
  if (!controlPlaneCharged(cp)) return [`Control plane: not priced by this profile (no controlPlane.resources); in the measured window ${work}.`];
  const p = r.projection;
  return [
    `Control plane: ${sig(cp.vcpu)} vCPU and ${sig(cp.memoryGB)} GB (${formatDollars(cp.costPerMonth)}/month), for ${work} in the measured window. ` +
      `Mesh total, proxies and control plane: ${formatDollars(r.meshCostPerMonth)}/month.`,
    `At ${formatPods(p.pods)}: control plane ${sig(p.controlPlane.vcpu)} vCPU and ${sig(p.controlPlane.memoryGB)} GB, ${formatDollars(p.controlPlane.costPerMonth)}/month; ` +
      `mesh total ${formatDollars(p.meshCostPerMonth)}/month.`,
  ];
}

/** The proxies' share of the bill: per kind, then totals and the projection; then the control plane's. */
export function resourceLines(r: ResourceTax, mode: string): string[] {
  if (r.proxies.length === 0) return [];
  const table = textTable(
    ['proxies', 'count', 'vCPU each', 'MB each', 'vCPU total', 'GB total', 'req/s each', 'conns each', 'handshakes + resumed', 'busy'],
    r.proxies.map((p) => [
      // Time-weighted (a pod alive half the window counts ½): as compare and the report print it, so count × each = total.
      p.kind, Number.isInteger(p.count) ? formatCount(p.count) : sig(p.count), sig(p.vcpuPerProxy), sig(p.memoryMBPerProxy), sig(p.vcpu), sig(p.memoryGB),
      sig(p.requestsPerSecondPerProxy), sig(p.meanConnectionsPerProxy), // As the HTML shows them: full handshakes and resumptions cost differently, so their sum alone hides which.
      `${formatCount(p.handshakes)} + ${formatCount(p.resumptions)}`, formatPercent(p.workerUtilization),
    ]),
  );
  const p = r.projection;
  return [
    table,
    `Proxy tax: ${sig(r.proxyVcpu)} vCPU and ${sig(r.proxyMemoryGB)} GB (${formatDollars(r.proxyCostPerMonth)}/month at ` +
      `${formatPrice(r.prices.vcpuHour)}/vCPU-h, ${formatPrice(r.prices.gbHour)}/GB-h); the applications' own work used ${sig(r.appVcpu)} vCPU.`,
    `At ${formatPods(p.pods)}: ${sig(p.proxyVcpu)} vCPU and ${sig(p.proxyMemoryGB)} GB of proxies, ${formatDollars(p.proxyCostPerMonth)}/month.`,
    ...controlPlaneLines(r, mode),
    ...r.sharedNodes.map((n) => `Shared node ${n.name}: ${n.cores} cores, ${formatPercent(n.utilization)} busy.`),
  ];
}

/** A run's warning as the tables print it: a setting that did nothing with its path first, as `validate` prints it. */
export function warningText(w: RunResult['warnings'][number]): string {
  return w.code === 'no-effect' ? `${w.subject} did nothing: ${w.message}` : w.message;
}

/** Measured time, summed over replications: say it is a sum (3 × 25.0s), or it reads as longer than the run. */
export function measuredInWords(result: RunResult): string {
  const n = result.settings.replications;
  const t = result.run.measuredTime;
  return n > 1 ? `${n} × ${formatSeconds(t / n)}` : formatSeconds(t);
}

/** The readable summary `meshtax run` prints: entry points, decomposition, services, proxies. */
export function runTable(result: RunResult): string {
  const s = result.settings;
  const limit = s.requests !== null ? `${formatCount(s.requests)} request${s.requests === 1 ? '' : 's'}` : `${formatSeconds(s.duration ?? 0)}`;
  const tuned = result.mesh.tuned?.length ? `, tuned: ${result.mesh.tuned.join(', ')}` : '';
  const mesh = result.mesh.mode === 'none' ? `no mesh${tuned ? ` (${tuned.slice(2)})` : ''}` : `mesh ${result.mesh.profile} (${result.mesh.mode}, mTLS ${result.mesh.mtls ? 'on' : 'off'}${tuned})`;
  const head = [
    `${result.topology.name} — ${mesh}, seed ${s.seed}, ${limit}, warm-up ${formatSeconds(s.warmup)}` +
      (s.replications > 1 ? `, ${s.replications} replications` : '') +
      `; ${measuredInWords(result)} measured, ${formatCount(result.run.events)} events`,
  ];
  const entries = textTable(
    ['entry point', 'completed', 'errors', 'throughput', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    result.entrypoints.map((e) => [
      // No request measured: no error rate to speak of (0 % would read as "none failed"), as compare shows it.
      e.name, formatCount(e.completed), e.completed === 0 ? '–' : formatPercent(e.errorRate), formatRate(e.throughput), ...latencyCells(e.latency),
    ]),
  );
  // No successful request: nothing to take apart. The parts of a latency that does not exist are "–", not 0 (as compare and the report say it).
  const parts = (e: RunResult['entrypoints'][number], v: Record<string, number>): string[] =>
    COMPONENTS.map((c) => (e.succeeded === 0 ? '–' : formatSeconds(v[c])));
  const decomposition = textTable(
    ['entry point', '', ...COMPONENTS],
    result.entrypoints.flatMap((e) => [
      [e.name, 'mean', ...parts(e, e.decomposition)],
      ['', 'at p50', ...parts(e, e.composition.p50)],
      ['', 'at p99', ...parts(e, e.composition.p99)],
    ]),
  );
  const services = textTable(
    ['service', 'replicas', 'arrivals', 'rejected', 'util', 'P(wait)', 'queue wait', 'p50', 'p99'],
    result.services.map((v) => [
      v.name, `${v.replicas}×${v.workersPerReplica}`, formatCount(v.arrivals), formatCount(v.rejected),
      formatPercent(v.utilization), formatPercent(v.waitProbability), formatSeconds(v.meanQueueWait),
      formatSeconds(v.latency.p50), formatSeconds(v.latency.p99),
    ]),
  );
  const failures = result.entrypoints.flatMap((e) =>
    e.failures.map((f) => `  ${e.name}: ${formatCount(f.count)} × ${f.cause} at ${f.service} (${f.component}${f.flag !== '-' ? `, ${f.flag}` : ''})`),
  );
  const resources = resourceLines(result.resources, result.mesh.mode);
  return [
    ...head, '',
    'Latency of successful requests (± = 95 % confidence half-width)', entries, '',
    'Where the time goes (critical path: mean request, and requests near p50 and p99)', decomposition, '',
    'Services (server side)', services,
    ...(resources.length ? ['', ...resources] : []),
    ...(failures.length ? ['', 'Failures by root cause', ...failures] : []),
    ...(result.warnings.length ? ['', 'Warnings', ...result.warnings.map((w) => `  ${warningText(w)}`)] : []),
    '',
  ].join('\n');
}
