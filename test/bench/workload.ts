/**
 * One benchmark measurement in a fresh process, so peak RSS belongs to this
 * workload alone: loads a topology, runs it to a request count, prints JSON.
 * Usage: tsx test/bench/workload.ts <topology> <requests>
 */
import { loadTopologyFile } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';

const [file, requestsArg] = process.argv.slice(2);
const { topology, diagnostics } = loadTopologyFile(file);
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
}) + '\n');
