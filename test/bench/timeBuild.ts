/**
 * One timed run of a topology on a given build: the compiled dist/ under
 * `root` (this checkout or a worktree of another commit). Prints one JSON
 * line: CPU seconds of the simulation alone, events, and the mean latency
 * (equal means are a quick sign that two builds simulate the same thing).
 * Used by ab.ts. Usage: tsx test/bench/timeBuild.ts <root> <topology> <requests> [mesh]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Api from '../../sim/index.js';

const [root, file, requestsArg, mesh] = process.argv.slice(2);
const api = (await import(pathToFileURL(resolve(root, 'dist/sim/index.js')).href)) as typeof Api;
const { topology, diagnostics } = api.loadTopologyFile(file, mesh ? { mesh } : {});
if (!topology) {
  console.error(diagnostics.map((d) => d.message).join('\n'));
  process.exit(2);
}
const before = process.cpuUsage();
const result = api.runTopology(topology, { requests: Number(requestsArg), warmup: 0 });
const used = process.cpuUsage(before);
process.stdout.write(JSON.stringify({
  cpuSeconds: (used.user + used.system) / 1e6,
  events: result.run.events,
  meanLatency: result.entrypoints[0]?.latency.mean ?? null,
}) + '\n');
