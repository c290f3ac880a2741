import type { CompareResult, Delta } from '../sim/compare.js';
import { formatCount, formatDollars, formatPods, formatPercent, formatSeconds, formatSignedSeconds, sig, textTable } from './format.js';
import { errorRateNote } from './errorRates.js';
import { controlPlaneCharged, controlPlaneOf } from './controlPlane.js';
import { warningText } from './table.js';

function cell(d: Delta, isBase: boolean): string {
  if (isBase) return formatSeconds(d.value);
  // No successful request in this mode or the baseline: no change to show, and no noise to speak of.
  if (!Number.isFinite(d.value) || !Number.isFinite(d.delta)) return formatSeconds(d.value);
  const sign = d.delta >= 0 ? '+' : '−';
  const mark = d.significant ? '' : ' ~';
  // Against a baseline of 0 only the difference means anything.
  if (!Number.isFinite(d.relative)) return `${formatSeconds(d.value)} ${formatSignedSeconds(d.delta)}${mark}`;
  return `${formatSeconds(d.value)} ${sign}${formatPercent(Math.abs(d.relative))}${mark}`;
}

/** The side-by-side invoice `meshtax compare` prints. */
export function compareTable(c: CompareResult): string {
  const others = c.meshes.filter((m) => m !== c.baseline);
  // `compare --mesh linkerd` runs one mode: nothing to set against it.
  const what = others.length > 0 ? `${others.join(', ')} against ${c.baseline}` : `${c.baseline} alone`;
  // The meshes' mTLS when they agree (as under --mtls on|off); mixed, the table of proxies shows it per mode.
  const meshed = c.runs.filter((r) => r.mesh.mode !== 'none');
  const mtls = meshed.length > 0 && meshed.every((r) => r.mesh.mtls === meshed[0].mesh.mtls) ? `, mTLS ${meshed[0].mesh.mtls ? 'on' : 'off'}` : '';
  // "Same random numbers", not "same arrivals": closed-loop users arrive when their last response came back.
  const lines: string[] = [
    `${c.topology.name} — ${what}${mtls}, seed ${c.runs[0].settings.seed}` +
      // As run's header says it: intervals then come from the replications' spread, not from batches.
      (c.runs[0].settings.replications > 1 ? `, ${c.runs[0].settings.replications} replications` : '') +
      (others.length > 0 ? ', same random numbers in every mode' : ''),
    // A tuned profile is not the product's as published: say which fields the topology changed.
    ...c.runs.filter((r) => r.mesh.tuned?.length).map((r) => `${r.mesh.profile} tuned: ${r.mesh.tuned.join(', ')}`),
    '',
  ];
  const baseIndex = Math.max(0, c.runs.findIndex((r) => r.mesh.profile === c.baseline));
  for (const ep of c.invoice) {
    // One mode has nothing to change against. The latencies are of the successes only; errors count every completed request.
    lines.push(c.runs.length > 1
      ? `Latency of successful requests at ${ep.entrypoint} (change against ${c.baseline}; ~ = within the noise of the 95 % intervals; errors: of all completed requests)`
      : `Latency of successful requests at ${ep.entrypoint} (errors: of all completed requests)`);
    lines.push(textTable(
      ['mesh', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'errors', 'mesh-caused'],
      ep.rows.map((r) => {
        const base = r.mesh === c.baseline;
        return [r.mesh, cell(r.mean, base), cell(r.p50, base), cell(r.p90, base), cell(r.p99, base), cell(r.p999, base),
          // Nothing measured (0 completed) is no error rate at all, not 0 %.
          c.runs[c.meshes.indexOf(r.mesh)].entrypoints.find((e) => e.name === ep.entrypoint)?.completed === 0 ? '–' : formatPercent(r.errorRate),
          r.errorRate > 0 ? formatPercent(r.meshCausedShare) : '–'];
      }),
    ));
    // Which error rates differ from the baseline's by more than the noise: said under the table, not read off it.
    const note = errorRateNote(c.runs.map((r) => r.mesh.profile), baseIndex, c.runs.map((r) => r.entrypoints.find((e) => e.name === ep.entrypoint)));
    if (note !== null) lines.push(note);
    lines.push('');
    lines.push(`Where the time goes at ${ep.entrypoint} (mean per successful request)`);
    const comps = Object.keys(ep.rows[0].decomposition) as Array<keyof typeof ep.rows[0]['decomposition']>;
    // No successful request: no mean request to split (the results hold zeros there).
    lines.push(textTable(['mesh', ...comps], ep.rows.map((r) => [r.mesh, ...comps.map((k) => (Number.isFinite(r.mean.value) ? formatSeconds(r.decomposition[k]) : '–'))])));
    lines.push('');
  }
  lines.push('Resource tax');
  lines.push(textTable(
    ['mesh', 'proxies', 'proxy vCPU', 'proxy GB', '$/month', `at ${formatPods(c.runs[0].resources.projection.pods)}: vCPU`, 'GB', '$/month'],
    c.runs.map((r) => {
      const t = r.resources;
      // Counts are time-weighted (a pod alive half the window counts ½).
      const count = t.proxies.reduce((a, p) => a + p.count, 0);
      return [r.mesh.profile, Number.isInteger(count) ? formatCount(count) : sig(count), sig(t.proxyVcpu), sig(t.proxyMemoryGB),
        formatDollars(t.proxyCostPerMonth), sig(t.projection.proxyVcpu), sig(t.projection.proxyMemoryGB), formatDollars(t.projection.proxyCostPerMonth)];
    }),
  ));
  lines.push('');
  // The control plane, priced apart from the proxies above; the last columns are the whole mesh (proxies + control plane).
  const planes = c.runs.map((r) => ({ r, cp: controlPlaneOf(r.resources, r.mesh.mode) }));
  if (planes.some((x) => x.cp !== null)) {
    const pods = formatPods(c.runs[0].resources.projection.pods);
    lines.push('Control plane (priced apart from the proxies; pushes, proxies reached and certificates in the measured window)');
    lines.push(textTable(
      ['mesh', 'pushes', 'reached', 'certificates', 'vCPU', 'GB', '$/month', `at ${pods}: vCPU`, 'GB', '$/month', 'mesh $/month', `at ${pods}`],
      planes.map(({ r, cp }) => {
        const t = r.resources;
        if (cp === null) return [r.mesh.profile, '–', '–', '–', '–', '–', '–', '–', '–', '–', formatDollars(t.proxyCostPerMonth), formatDollars(t.projection.proxyCostPerMonth)];
        // A profile that does not price its control plane: its work shows, its cost does not pass for $0.
        const priced = controlPlaneCharged(cp);
        const dash = (x: string): string => (priced ? x : 'not priced');
        return [r.mesh.profile, formatCount(cp.pushes), formatCount(cp.proxyPushes), formatCount(cp.certificates),
          dash(sig(cp.vcpu)), priced ? sig(cp.memoryGB) : '–', priced ? formatDollars(cp.costPerMonth) : '–',
          priced ? sig(t.projection.controlPlane.vcpu) : '–', priced ? sig(t.projection.controlPlane.memoryGB) : '–', priced ? formatDollars(t.projection.controlPlane.costPerMonth) : '–',
          formatDollars(t.meshCostPerMonth), formatDollars(t.projection.meshCostPerMonth)];
      }),
    ));
    lines.push('');
  }
  // Saturation warnings, as `run` prints them and the report shows them: a saturated mode's latencies describe the run's length.
  const warnings = c.runs.flatMap((r) => r.warnings.map((w) => `  ${r.mesh.profile}: ${warningText(w)}`));
  if (warnings.length) lines.push('Warnings', ...warnings, '');
  return lines.join('\n');
}
