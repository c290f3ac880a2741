/**
 * One benchmark measurement in a fresh process, so peak RSS belongs to this
 * workload alone: loads a topology, runs it to a request count, prints JSON.
 * It runs the compiled dist/ (what the `meshtax` command runs), which
 * `npm run bench` builds first.
 * Usage: tsx test/bench/workload.ts <topology> <requests> [mesh]
 */
import type * as Api from '../../sim/index.js';

// A computed path keeps the typecheck independent of whether dist/ exists.
const dist = '../../dist/sim/index.js';
const { loadTopologyFile, runTopology } = (await import(dist)) as typeof Api;

const [file, requestsArg, mesh] = process.argv.slice(2);
const { topology, diagnostics } = loadTopologyFile(file, mesh ? { mesh } : {});
if (!topology) {
  console.error(diagnostics.map((d) => d.message).join('\n'));
  process.exit(2);
}
const requests = Number(requestsArg);
const t0 = process.hrtime.bigint();
const result = runTopology(topology, { requests, warmup: 0 });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const completed = result.entrypoints.reduce((a, e) => a + e.completed, 0);
process.stdout.write(JSON.stringify({
  file,
  requests: completed,
  events: result.run.events,
  seconds,
  eventsPerSecond: result.run.events / seconds,
  requestsPerSecond: completed / seconds,
  nsPerEvent: (seconds * 1e9) / result.run.events,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  meanLatency: result.entrypoints[0]?.latency.mean ?? null,
  meanLatencyCi: result.entrypoints[0]?.latency.ci.mean ?? null,
}) + '\n');
