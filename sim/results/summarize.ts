import type { RuntimeModel } from '../model/build.js';
import { CAUSES } from '../model/causes.js';
import { COMPONENTS, type Component } from '../model/components.js';
import { decodeFailureKey, type SimulationOutcome } from '../model/simulation.js';
import { FLAGS } from '../model/causes.js';
import { summarizeParts, type BatchedLatency, type LatencySummary } from '../stats/batched.js';
import { LogHistogram } from '../stats/histogram.js';
import { RESULTS_FORMAT, VERSION } from '../version.js';
import { CompositionByLatency } from '../model/composition.js';
import { summarizeResources } from './resources.js';
import type { EntryPointResult, FailureCount, RunResult, RunWarning, ServiceGraph, ServiceResult, Timeline } from './types.js';
import { STEP_CALL, STEP_PARALLEL, type CompiledStep } from '../model/build.js';

/** Utilisation from which a service counts as saturated: its latency then depends on the run's length. */
const SATURATION = 0.98;

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => (xs.length ? sum(xs) / xs.length : 0);
const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** Failure tallies (by failure key) as rows, most frequent first, ties by key. */
export function failureCounts(model: RuntimeModel, tally: Map<number, number>): FailureCount[] {
  const n = model.services.length;
  return [...tally.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([key, count]) => {
      const k = decodeFailureKey(key, n);
      const cause = CAUSES[k.cause];
      return {
        cause: cause.id,
        component: cause.component,
        flag: FLAGS[k.flag],
        mesh: k.mesh,
        service: model.services[k.service].name,
        count,
      };
    });
}

/** The first replication's time series and markers (replications differ only by seed). */
function timelineOf(o: SimulationOutcome): Timeline {
  const s = o.series;
  const points: Timeline['points'] = [];
  // The series' length is a scan of every interval: read it once.
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const p99 = s.p99(i);
    points.push({ t: i * s.width, completed: s.completed[i], failed: s.failed[i], meshFailed: s.meshFailed[i], p99: Number.isNaN(p99) ? null : p99 });
  }
  const markers = o.markers
    .map((m, i) => [m, i] as const)
    .sort((a, b) => a[0].at - b[0].at || a[1] - b[1])
    .map(([m]) => m);
  return { interval: s.width, points, markers };
}

/** The call graph as data: each call site once, with the chance it is taken. */
export function serviceGraph(model: RuntimeModel): ServiceGraph {
  const calls: ServiceGraph['calls'] = [];
  const walk = (from: string, steps: CompiledStep[], probability: number, parallel: boolean): void => {
    for (const step of steps) {
      const p = probability * step.probability;
      if (step.kind === STEP_CALL) calls.push({ from, to: model.services[step.service].name, probability: p, parallel });
      else walk(from, step.steps, p, parallel || step.kind === STEP_PARALLEL);
    }
  };
  for (const s of model.services) walk(s.name, s.calls, 1, false);
  return {
    services: model.services.map((s) => ({ name: s.name, replicas: s.initialReplicas, workers: s.workers, l7: s.l7 })),
    calls,
    entrypoints: model.entries.map((e) => ({ name: e.name, target: model.services[e.target].name, via: e.via })),
  };
}

/**
 * Turns one or more replications of a run into the versioned results
 * document. With one replication the confidence intervals come from batch
 * means within it; with several, from the spread across replications.
 * Every object is built in a fixed key order so the JSON is byte-stable.
 */
export function summarize(model: RuntimeModel, outcomes: SimulationOutcome[]): RunResult {
  const first = outcomes[0];
  const reps = outcomes.length;
  const measuredTime = sum(outcomes.map((o) => o.measuredTime));

  const latency = (pick: (o: SimulationOutcome) => BatchedLatency): { summary: LatencySummary; histogram: LogHistogram } => {
    if (reps === 1) {
      const b = pick(first);
      return { summary: b.summary(), histogram: b.overall() };
    }
    const hists = outcomes.map((o) => pick(o).overall());
    const merged = new LogHistogram();
    for (const h of hists) merged.merge(h);
    return { summary: summarizeParts(hists, merged), histogram: merged };
  };

  const entryHistograms: LogHistogram[] = [];
  const serviceHistograms: LogHistogram[] = [];
  const entrypoints: EntryPointResult[] = model.entries.map((entry) => {
    const cs = outcomes.map((o) => o.entries[entry.index]);
    const lat = latency((o) => o.entries[entry.index].latency);
    entryHistograms.push(lat.histogram);
    const succeeded = lat.histogram.count;
    const failed = sum(cs.map((c) => c.failed));
    const completed = succeeded + failed;
    const decomposition = {} as Record<Component, number>;
    COMPONENTS.forEach((name, k) => {
      decomposition[name] = ratio(sum(cs.map((c) => c.decomposition[k])), succeeded);
    });
    const byLatency = new CompositionByLatency();
    for (const c of cs) byLatency.merge(c.composition);
    const compositionAt = (latency: number): Record<Component, number> => {
      const v = byLatency.at(latency);
      const out = {} as Record<Component, number>;
      COMPONENTS.forEach((name, k) => { out[name] = v[k]; });
      return out;
    };
    const tally = new Map<number, number>();
    for (const c of cs) for (const [key, n] of c.failures) tally.set(key, (tally.get(key) ?? 0) + n);
    const failures = failureCounts(model, tally);
    const meshCaused = failures.filter((x) => x.mesh).reduce((a, x) => a + x.count, 0);
    const byReplica = new Map<number, number>();
    for (const c of cs) for (const [r, n] of c.failuresByReplica) byReplica.set(r, (byReplica.get(r) ?? 0) + n);
    const failuresByReplica = [...byReplica.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([r, count]) => {
        const rep = model.replicas[r];
        const service = model.services[rep.service].name;
        return { service, replica: `${service}-${rep.ordinal}`, count };
      });
    return {
      name: entry.name,
      target: model.services[entry.target].name,
      completed,
      succeeded,
      failed,
      // Of nothing measured there is no rate: NaN (null in JSON), which averages and charts skip, where 0 would count.
      errorRate: completed > 0 ? failed / completed : NaN,
      // Ended inside the window, over its length: a drain after an overload does not count.
      throughput: ratio(sum(cs.map((c) => c.completedInWindow)), measuredTime),
      latency: lat.summary,
      meanInSystem: mean(cs.map((c) => c.meanInSystem)),
      decomposition,
      composition: { p50: compositionAt(lat.summary.p50), p99: compositionAt(lat.summary.p99) },
      failures,
      failuresByReplica,
      meshCaused,
      appCaused: failed - meshCaused,
      histogram: lat.histogram.toJSON(),
    };
  });

  const services: ServiceResult[] = model.services.map((svc) => {
    const cs = outcomes.map((o) => o.services[svc.index]);
    const arrivals = sum(cs.map((c) => c.arrivals));
    const rejected = sum(cs.map((c) => c.rejected));
    const started = sum(cs.map((c) => c.started));
    const lat = latency((o) => o.services[svc.index].latency);
    serviceHistograms.push(lat.histogram);
    return {
      name: svc.name,
      replicas: svc.initialReplicas,
      workersPerReplica: svc.workers,
      arrivals,
      rejected,
      failed: sum(cs.map((c) => c.failed)),
      calls: sum(cs.map((c) => c.calls)),
      retries: sum(cs.map((c) => c.retries)),
      retryCalls: sum(cs.map((c) => c.retryCalls)),
      throughput: ratio(sum(cs.map((c) => c.completedInWindow)), measuredTime),
      // Of the workers there were: replicas scaled in, out, crashed or restarted count for the time they served.
      utilization: ratio(mean(cs.map((c) => c.meanBusyWorkers)), mean(cs.map((c) => c.meanCapacity))),
      // Of the requests that reached a worker: an injected abort never queues for one.
      // Of no request at all (every one aborted or turned away) these are not 0 but undefined: NaN, null in JSON, "–" in tables.
      waitProbability: started > 0 ? sum(cs.map((c) => c.waited)) / started : NaN,
      meanQueueWait: started > 0 ? sum(cs.map((c) => c.queueWaitSum)) / started : NaN,
      meanInSystem: mean(cs.map((c) => c.meanInSystem)),
      latency: lat.summary,
    };
  });

  // Closed-loop users cannot outrun a server: its queue holds at most the
  // users, and their latency follows how many there are, not the run's length.
  // Unless a timeout gives up on requests the servers go on working on: each
  // user then leaves work behind and comes back, and the queues can grow.
  const abandons = model.services.some((s) =>
    [s.resilience, s.l4Resilience].some((p) => Number.isFinite(p.timeout) || (p.retries !== null && Number.isFinite(p.retries.perTryTimeout))));
  const closedOnly = !abandons && model.entries.every((e) => e.arrivals.kind === 'closed');
  const warnings: RunWarning[] = services
    .filter((s) => s.utilization >= SATURATION)
    .map((s) => ({
      code: 'saturated',
      subject: s.name,
      message:
        `service "${s.name}" is saturated (workers busy ${(s.utilization * 100).toFixed(1)} % of the time): ` +
        (s.rejected > 0
          ? 'its queue is full and overflows, so requests beyond what it can serve are rejected (503)'
          : closedOnly
            ? 'its throughput is at its limit and the closed-loop users queue at it, so their latency grows with how many there are'
            : 'its queue keeps growing, so its latency depends on how long the run is, not on a steady state'),
    }));

  const resources = summarizeResources(model, outcomes);
  const queued = closedOnly ? 'latency grows with the closed-loop users' : 'latency depends on how long the run is';
  for (const f of resources.proxies) {
    // One hot proxy among idle ones (a busy service's sidecar) saturates as surely as a whole fleet.
    const busy = model.proxies
      .filter((p) => p.kind === f.kind)
      .map((p) => ({ p, u: mean(outcomes.map((o) => o.proxies[p.index].meanBusyWorkers)) / p.spec.workers }))
      .filter((x) => x.u >= SATURATION);
    if (f.workerUtilization < SATURATION && busy.length === 0) continue;
    const message = f.workerUtilization >= SATURATION || busy.length === f.count
      ? `the ${f.kind} proxies are saturated (worker threads busy ${(f.workerUtilization * 100).toFixed(1)} % of the time on average): `
      : busy.length === 1
        ? `the ${f.kind} proxy "${busy[0].p.label}" is saturated (worker threads busy ${(busy[0].u * 100).toFixed(1)} % of the time; the ${f.kind} fleet's average is ${(f.workerUtilization * 100).toFixed(1)} %): `
        : `${busy.length} of the ${f.kind} proxies are saturated (worker threads busy ≥ ${SATURATION * 100} % of the time, ${busy.map((b) => `"${b.p.label}"`).slice(0, 3).join(', ')}${busy.length > 3 ? ', …' : ''}): `;
    warnings.push({
      code: 'saturated',
      subject: f.kind,
      message: message + `requests queue in the mesh itself, so ${queued}; give the proxy more workers or lower the load`,
    });
  }

  // A shared node whose cores are all busy slows every app and proxy on it:
  // their own workers and threads may look idle while the run queue grows.
  for (const n of resources.sharedNodes) {
    if (!(n.utilization >= SATURATION)) continue;
    warnings.push({
      code: 'saturated',
      subject: n.name,
      message:
        `the shared node "${n.name}" is saturated (its ${n.cores} core${n.cores === 1 ? '' : 's'} busy ${(n.utilization * 100).toFixed(1)} % of the time): ` +
        `every app and proxy on it runs slower, so ${queued}; give the node more cores or lower the load`,
    });
  }

  // A latency past the histograms' top is counted in their top bucket: the
  // quantiles that land there read as 10⁶ s, so say so rather than print them plain.
  const top = `10⁶ s (${(LogHistogram.MAX_VALUE / 86400).toFixed(1)} days)`;
  const beyond = (kind: string, name: string, h: LogHistogram): void => {
    if (h.overflow === 0) return;
    warnings.push({
      code: 'beyond-range',
      subject: name,
      message: `${kind} "${name}": ${h.overflow} of ${h.count} latencies are above ${top}, the top of the histograms: ` +
        `a quantile among them reads ${top} (the mean and max are exact); shorten the service times or the slowdowns`,
    });
  };
  for (const entry of model.entries) beyond('entry point', entry.name, entryHistograms[entry.index]);
  for (const svc of model.services) beyond('service', svc.name, serviceHistograms[svc.index]);

  // Counting requests, a schedule whose rate ends at 0 can run out of load first: the run stops
  // there, and its numbers are of fewer requests than the header's count.
  const asked = first.limits.requests;
  if (asked !== undefined) {
    const short = outcomes.filter((o) => o.measuredRequests < asked);
    if (short.length > 0) {
      const got = short.map((o) => o.measuredRequests);
      const counted = reps === 1 ? got[0].toLocaleString('en-US') : `${short.length} of ${reps} replications, ${Math.min(...got).toLocaleString('en-US')} at fewest,`;
      // A load too slow for the count reaches the end of the clock's range: a schedule's last rate is not the reason then.
      const clock = short.some((o) => o.clockLimitReached);
      warnings.push({
        code: 'short-run',
        subject: model.entries.map((e) => e.name).join(', '),
        message: clock
          ? `the run reached 1e8s of simulated time (about 3 years, past which the clock no longer resolves the service times) before ${asked.toLocaleString('en-US')} measured requests completed: ` +
            `${counted} ${reps === 1 ? 'did' : 'fell short'}, so no load was offered after it; ask for fewer requests, or raise the rate (or shorten the think time)`
          : `the load ran out before ${asked.toLocaleString('en-US')} measured requests completed: ` +
            `${counted} ${reps === 1 ? 'did' : 'fell short'} (the arrival schedule offers no more), so the run stopped there; ` +
            'give the schedule a last rate above 0, or set a duration instead of a request count',
      });
    }
  }

  // Timed by a duration, a window too short for the load (or a schedule at 0 through it) measures
  // nothing at an entry point: its row would be dashes with no word of why.
  if (asked === undefined) {
    const idle = entrypoints.filter((e) => e.completed === 0);
    if (idle.length > 0) {
      const names = idle.map((e) => `"${e.name}"`).join(', ');
      const window = `${+(measuredTime / reps).toPrecision(3)}s`;
      warnings.push({
        code: 'nothing-measured',
        subject: idle.map((e) => e.name).join(', '),
        message: `${idle.length === 1 ? 'entry point' : 'entry points'} ${names} completed no request in the measured window (${window} after the warm-up), ` +
          'so ' + (idle.length === 1 ? 'its' : 'their') + ' latency and throughput are blank; lengthen the duration (or shorten the warm-up), or raise the rate',
      });
    }
  }

  // The timeline is the first replication's: its markers, and what it left unmarked.
  if (first.unmarkedEjections > 0) {
    warnings.push({
      code: 'markers-capped',
      subject: 'timeline',
      message: `${first.unmarkedEjections.toLocaleString('en-US')} more outlier ejections are not marked on the timeline, ` +
        `past its first ${first.markers.filter((m) => m.kind === 'ejection').length.toLocaleString('en-US')}: a replica kept being ejected and let back; ` +
        'its failures and latencies are all counted',
    });
  }

  const attemptTally = new Map<number, number>();
  for (const o of outcomes) for (const [key, n] of o.attemptFailures) attemptTally.set(key, (attemptTally.get(key) ?? 0) + n);

  const limits = first.limits;
  return {
    meshtax: { version: VERSION, format: RESULTS_FORMAT },
    topology: { name: model.topology.name, description: model.topology.description },
    mesh: {
      profile: model.mesh.name,
      mode: model.mesh.mode,
      mtls: model.mtls.enabled,
      description: model.mesh.description,
      // A copy: the result must not share an array with the topology (or with the next run's result).
      sources: [...model.mesh.sources],
      tuned: [...(model.mesh.tuned ?? [])],
    },
    graph: serviceGraph(model),
    settings: {
      seed: limits.seed,
      duration: limits.duration ?? null,
      requests: limits.requests ?? null,
      warmup: limits.warmup,
      replications: reps,
      intervals: reps > 1 ? 'replications' : 'batch-means',
    },
    run: {
      measuredTime,
      simulatedTime: Math.max(...outcomes.map((o) => o.endTime)),
      events: sum(outcomes.map((o) => o.events)),
    },
    entrypoints,
    services,
    resources,
    attemptFailures: failureCounts(model, attemptTally),
    timeline: timelineOf(first),
    warnings,
  };
}
