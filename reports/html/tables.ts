/**
 * The report's tables as HTML: latency per entry point and mode (with the
 * change against the baseline), the proxy fleets, and the services. Every
 * name is escaped; numbers are formatted the way the CLI prints them.
 */
import type { Delta } from '../../sim/compare.js';
import type { Interval, LatencySummary } from '../../sim/results/types.js';
import { PROXY_LABELS } from '../charts/resourceTax.js';
import { formatCount, formatDollars, formatFleetCount, formatPods, formatPercent, formatRate, formatSeconds, formatSignedPercent, formatSignedSeconds, sig } from '../format.js';
import { entrypointNames, num, type ReportModel } from '../model.js';
import { errorRateNote } from '../errorRates.js';
import { controlPlaneCharged, controlPlaneOf } from '../controlPlane.js';
import { escapeHtml as esc } from './escape.js';

function table(head: string[], rows: string[]): string {
  return `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function ciTitle(ci: Interval): string {
  return ci ? ` title="95 % interval: ${esc(formatSeconds(ci[0]))} – ${esc(formatSeconds(ci[1]))}"` : '';
}

/** A latency cell: the value, and under it the change against the baseline, muted when within the noise. */
function latencyCell(value: number, ci: Interval, d: Delta | undefined): string {
  let delta = '';
  // No successful request in this mode or in the baseline: no change to show, and no noise to speak of (as the text table prints it).
  if (d && Number.isFinite(num(d.value)) && Number.isFinite(num(d.delta))) {
    const dir = num(d.delta) > 0 ? 'up' : 'down';
    // Against a baseline of 0 only the difference means anything.
    const shown = Number.isFinite(num(d.relative)) ? formatSignedPercent(num(d.relative)) : formatSignedSeconds(num(d.delta));
    delta = d.significant
      ? `<span class="delta sig ${dir}">${esc(shown)}</span>`
      : `<span class="delta noise" title="within the noise: the 95 % intervals overlap">${esc(shown)} ~</span>`;
  }
  return `<td${ciTitle(ci)}>${esc(formatSeconds(value))}${delta}</td>`;
}

/** Latency and errors per entry point, one row per mode. */
export function summaryTables(model: ReportModel): string {
  const compared = model.baseline !== null;
  return entrypointNames(model).map((name, ei) => {
    const rows = model.runs.map((run, m) => {
      const e = run.entrypoints.find((x) => x.name === name);
      if (!e) return '';
      const inv = compared && m !== model.baseline ? model.invoice?.[ei]?.rows[m] : undefined;
      const l: LatencySummary = e.latency;
      const meshFailed = e.failures.filter((f) => f.mesh).reduce((a, f) => a + f.count, 0);
      return `<tr${m === model.baseline ? ' class="baseline"' : ''}><td class="name">${esc(model.modes[m])}</td>` +
        `<td>${formatCount(e.completed)}</td><td>${e.completed === 0 ? '–' : esc(formatPercent(e.errorRate))}</td>` +
        `<td>${e.failed > 0 ? esc(formatPercent(meshFailed / e.failed)) : '–'}</td><td>${esc(formatRate(e.throughput))}</td>` +
        latencyCell(num(l.mean), l.ci.mean, inv?.mean) + latencyCell(num(l.p50), l.ci.p50, inv?.p50) +
        latencyCell(num(l.p90), l.ci.p90, inv?.p90) + latencyCell(num(l.p99), l.ci.p99, inv?.p99) +
        latencyCell(num(l.p999), l.ci.p999, inv?.p999) + `<td>${esc(formatSeconds(num(l.max)))}</td></tr>`;
    });
    // The latency columns are of the successful requests only; the counts before them are of all completed requests.
    const head = '<tr><th rowspan="2">mesh</th><th rowspan="2">requests</th><th rowspan="2">failed</th><th rowspan="2">mesh-caused</th><th rowspan="2">throughput</th>' +
      '<th colspan="6" class="group">Latency of successful requests</th></tr>' +
      `<tr>${['mean', 'p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => `<th>${h}</th>`).join('')}</tr>`;
    const note = compared && model.baseline !== null
      ? errorRateNote(model.modes, model.baseline, model.runs.map((run) => run.entrypoints.find((x) => x.name === name)))
      : null;
    return `<h3>Entry point ${esc(name)}</h3>` + grouped(head, rows) + (note === null ? '' : `<p class="note">${esc(note)}</p>`);
  }).join('');
}

/** A table whose header is given as rows (grouped columns). */
function grouped(headRows: string, rows: string[]): string {
  return `<div class="scroll"><table><thead>${headRows}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** Each mode's proxies by kind: how many, what each uses, how busy they are. */
export function proxyTable(model: ReportModel): string {
  const rows = model.runs.flatMap((run, m) => run.resources.proxies.map((p) =>
    `<tr><td class="name">${esc(model.modes[m])}</td><td>${esc(PROXY_LABELS[p.kind] ?? p.kind)}</td><td>${formatFleetCount(p.count)}</td>` +
    `<td>${sig(p.vcpuPerProxy)}</td><td>${sig(p.memoryMBPerProxy)}</td><td>${sig(p.vcpu)}</td><td>${sig(p.memoryGB)}</td>` +
    `<td>${sig(p.requestsPerSecondPerProxy)}</td><td>${sig(p.meanConnectionsPerProxy)}</td>` +
    `<td>${formatCount(p.handshakes)} + ${formatCount(p.resumptions)}</td><td>${esc(formatPercent(p.workerUtilization))}</td></tr>`));
  if (rows.length === 0) return '<p class="note">No proxies in any mode.</p>';
  const totals = model.runs.map((run, m) => {
    const r = run.resources;
    return `<tr><td class="name">${esc(model.modes[m])}</td><td>${sig(r.appVcpu)}</td><td>${sig(r.proxyVcpu)}</td><td>${sig(r.proxyMemoryGB)}</td>` +
      `<td>${esc(formatDollars(r.proxyCostPerMonth))}</td><td>${sig(r.projection.proxyVcpu)}</td><td>${sig(r.projection.proxyMemoryGB)}</td>` +
      `<td>${esc(formatDollars(r.projection.proxyCostPerMonth))}</td></tr>`;
  });
  const shared = model.runs.flatMap((run, m) => run.resources.sharedNodes.map((n) =>
    `<tr><td class="name">${esc(model.modes[m])}</td><td>${esc(n.name)}</td><td>${n.cores}</td><td>${esc(formatPercent(n.utilization))}</td></tr>`));
  return table(['mesh', 'app vCPU', 'proxy vCPU', 'proxy GB', 'proxy $/month', `at ${formatPods(model.runs[0].resources.projection.pods)}: vCPU`, 'GB', '$/month'], totals) +
    controlPlaneTable(model) +
    '<h3>Proxy fleets</h3>' +
    table(['mesh', 'proxies', 'count', 'vCPU each', 'MB each', 'vCPU', 'GB', 'req/s each', 'conns each', 'handshakes + resumed', 'threads busy'], rows) +
    (shared.length ? '<h3>Shared nodes (apps and proxies on the same cores)</h3>' + table(['mesh', 'node', 'cores', 'busy'], shared) : '');
}

/**
 * The control plane of each meshed mode, priced apart from the proxies: what
 * it did in the measured window, its vCPU, memory and cost, here and at N
 * pods, and the whole mesh's cost (proxies + control plane). Nothing for
 * runs without a mesh, or results written before it was priced.
 */
function controlPlaneTable(model: ReportModel): string {
  const rows = model.runs.flatMap((run, m) => {
    const cp = controlPlaneOf(run.resources, run.mesh.mode);
    if (cp === null) return [];
    const r = run.resources, p = r.projection;
    const priced = controlPlaneCharged(cp);
    const money = priced
      ? `<td>${sig(cp.vcpu)}</td><td>${sig(cp.memoryGB)}</td><td>${esc(formatDollars(cp.costPerMonth))}</td>` +
        `<td>${sig(p.controlPlane.vcpu)}</td><td>${sig(p.controlPlane.memoryGB)}</td><td>${esc(formatDollars(p.controlPlane.costPerMonth))}</td>`
      // Not priced by its profile: say so rather than show $0 as if it were free.
      : '<td colspan="6" class="note">not priced by this profile (no controlPlane.resources)</td>';
    return [`<tr><td class="name">${esc(model.modes[m])}</td><td>${formatCount(cp.pushes)}</td><td>${formatCount(cp.proxyPushes)}</td>` +
      `<td>${formatCount(cp.certificates)}</td>${money}<td>${esc(formatDollars(r.meshCostPerMonth))}</td><td>${esc(formatDollars(p.meshCostPerMonth))}</td></tr>`];
  });
  if (rows.length === 0) return '';
  const pods = formatPods(model.runs[0].resources.projection.pods);
  return '<h3>Control plane</h3>' +
    '<p class="note">Priced apart from the proxies above, from what it did in the measured window: its pushes, the proxies they reached and the certificates it issued or renewed (profile key <code>controlPlane.resources</code>). The last two columns are the whole mesh: proxies and control plane.</p>' +
    table(['mesh', 'pushes', 'proxies reached', 'certificates', 'vCPU', 'GB', '$/month', `at ${pods}: vCPU`, 'GB', '$/month', 'mesh $/month', `mesh at ${pods}`], rows);
}

/** Pods with the most failures that began in them, per mode: which replica to look at. */
export function replicaFailureTable(model: ReportModel): string {
  const TOP = 8;
  const rows = model.runs.flatMap((run, m) => {
    const byPod = new Map<string, { service: string; replica: string; count: number }>();
    for (const e of run.entrypoints) {
      for (const f of (e as { failuresByReplica?: Array<{ service: string; replica: string; count: number }> }).failuresByReplica ?? []) {
        const key = `${f.service}\u0000${f.replica}`;
        const had = byPod.get(key);
        byPod.set(key, { ...f, count: (had?.count ?? 0) + f.count });
      }
    }
    const total = run.entrypoints.reduce((a, e) => a + e.failed, 0);
    // Most first; ties in name order, so the table is the same on every render.
    const sorted = [...byPod.values()].sort((a, b) => b.count - a.count || (a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0));
    const share = (n: number): string => (total > 0 ? esc(formatPercent(n / total)) : '–');
    const top = sorted.slice(0, TOP).map((f) => `<tr><td class="name">${esc(model.modes[m])}</td><td class="name">${esc(f.replica)}</td><td>${esc(f.service)}</td>` +
      `<td>${formatCount(f.count)}</td><td>${share(f.count)}</td></tr>`);
    // The rest in one row, so the mode's rows add up to what began at pods.
    const rest = sorted.slice(TOP);
    const restCount = rest.reduce((a, f) => a + f.count, 0);
    if (rest.length > 0) {
      top.push(`<tr><td class="name">${esc(model.modes[m])}</td><td class="name">${rest.length} other pod${rest.length === 1 ? '' : 's'}</td><td></td>` +
        `<td>${formatCount(restCount)}</td><td>${share(restCount)}</td></tr>`);
    }
    return top;
  });
  if (rows.length === 0) return '';
  return `<h3>Pods where failures began</h3><p class="note">The ${TOP} pods with the most failed requests per mode, each failure at the pod it was sent to where it began, ` +
    'also when its cause lies elsewhere (the pod was gone but still listed, its sidecar crashed, its certificate could not be checked). ' +
    'Failures sent to no pod (timeouts, circuit breakers, no endpoints, the caller\'s own proxy down) are not listed.</p>' +
    table(['mesh', 'pod', 'service', 'failed requests', 'of all failed'], rows);
}

/** Retries sent to a service; 0 in results written before retries existed. */
function retriesOf(s: { retries?: number }): number {
  return num(s.retries) || 0;
}

/**
 * What retries hid: failed tries against failed requests, and the extra
 * calls the retries made. Empty when no mode retried and nothing failed.
 */
export function retryTable(model: ReportModel): string {
  const rows = model.runs.map((run, m) => {
    const tries = ((run as { attemptFailures?: Array<{ count: number }> }).attemptFailures ?? []).reduce((a, f) => a + f.count, 0);
    const failed = run.entrypoints.reduce((a, e) => a + e.failed, 0);
    const retries = run.services.reduce((a, s) => a + retriesOf(s), 0);
    const calls = run.services.reduce((a, s) => a + (num(s.calls) || 0), 0);
    // Calls a retried request's code made again are retries' load too, not the load there would be without them.
    const retryCalls = run.services.reduce((a, s) => a + (num(s.retryCalls) || 0), 0);
    return { mesh: model.modes[m], tries, failed, retries, calls: calls - retryCalls, extra: retries + retryCalls };
  });
  if (rows.every((r) => r.retries === 0 && r.tries === r.failed)) return '';
  return '<h3>Retries</h3><p class="note">A failed try that a retry made good is not a failed request, but it still cost a call: ' +
    'the tries that failed, the requests that failed in the end, the retries sent, and the extra load: retries and the calls the retried requests made again, ' +
    'over the calls there would have been without any retry.</p>' +
    table(['mesh', 'failed tries', 'failed requests', 'retries sent', 'extra load'], rows.map((r) =>
      `<tr><td class="name">${esc(r.mesh)}</td><td>${formatCount(r.tries)}</td><td>${formatCount(r.failed)}</td><td>${formatCount(r.retries)}</td>` +
      `<td>${r.calls > 0 ? esc(`+${formatPercent(r.extra / r.calls)}`) : '–'}</td></tr>`));
}

/** Server-side numbers per service, one row per mode under each service. */
export function serviceTable(model: ReportModel): string {
  const names = model.runs[0].services.map((s) => s.name);
  const withRetries = model.runs.some((r) => r.services.some((s) => retriesOf(s) > 0));
  const rows = names.flatMap((name) => model.runs.map((run, m) => {
    const s = run.services.find((x) => x.name === name);
    if (!s) return '';
    const first = m === 0;
    const span = model.runs.length > 1 ? ` rowspan="${model.runs.length}"` : '';
    return '<tr>' +
      (first ? `<td class="name"${span}>${esc(name)}</td><td${span}>${s.replicas} × ${s.workersPerReplica}</td>` : '') +
      `<td class="name">${esc(model.modes[m])}</td><td>${formatCount(s.arrivals)}</td><td>${formatCount(s.rejected)}</td>` +
      `<td>${esc(formatPercent(num(s.utilization)))}</td><td>${esc(formatPercent(num(s.waitProbability)))}</td>` +
      `<td>${esc(formatSeconds(num(s.meanQueueWait)))}</td><td>${esc(formatSeconds(num(s.latency.p50)))}</td><td>${esc(formatSeconds(num(s.latency.p99)))}</td>` +
      (withRetries ? `<td>${formatCount(retriesOf(s))}</td>` : '') + '</tr>';
  }));
  return table(['service', 'replicas × workers', 'mesh', 'requests', 'rejected', 'workers busy', 'had to wait', 'mean queue wait', 'p50', 'p99',
    ...(withRetries ? ['retries received'] : [])], rows);
}
