import type { RunResult, LatencySummary } from '../sim/results/types.js';
import { COMPONENTS } from '../sim/model/components.js';
import { formatCount, formatPercent, formatRate, formatSeconds, textTable } from './format.js';

function withCi(value: number, ci: [number, number] | null): string {
  if (!ci) return formatSeconds(value);
  return `${formatSeconds(value)} ±${formatSeconds((ci[1] - ci[0]) / 2)}`;
}

function latencyCells(l: LatencySummary): string[] {
  return [withCi(l.mean, l.ci.mean), withCi(l.p50, l.ci.p50), formatSeconds(l.p90), withCi(l.p99, l.ci.p99), formatSeconds(l.p999), formatSeconds(l.max)];
}

/** The readable summary `meshtax run` prints: entry points, decomposition, services. */
export function runTable(result: RunResult): string {
  const s = result.settings;
  const limit = s.requests !== null ? `${formatCount(s.requests)} requests` : `${formatSeconds(s.duration ?? 0)}`;
  const head = [
    `${result.topology.name} — seed ${s.seed}, ${limit}, warm-up ${formatSeconds(s.warmup)}` +
      (s.replications > 1 ? `, ${s.replications} replications` : '') +
      `; ${formatSeconds(result.run.measuredTime)} measured, ${formatCount(result.run.events)} events`,
  ];
  const entries = textTable(
    ['entry point', 'completed', 'errors', 'throughput', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    result.entrypoints.map((e) => [
      e.name, formatCount(e.completed), formatPercent(e.errorRate), formatRate(e.throughput), ...latencyCells(e.latency),
    ]),
  );
  const decomposition = textTable(
    ['entry point', ...COMPONENTS],
    result.entrypoints.map((e) => [e.name, ...COMPONENTS.map((c) => formatSeconds(e.decomposition[c]))]),
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
  return [
    ...head, '',
    'Latency of successful requests (± = 95 % confidence half-width)', entries, '',
    'Where the time goes (mean per request, critical path)', decomposition, '',
    'Services (server side)', services,
    ...(failures.length ? ['', 'Failures by root cause', ...failures] : []),
    ...(result.warnings.length ? ['', 'Warnings', ...result.warnings.map((w) => `  ${w.message}`)] : []),
    '',
  ].join('\n');
}
