/**
 * `npx tsx test/bench/rolloutTopology.ts <pods> [--second <seconds>] > rollout.yaml`:
 * the large rollout the README's Performance section times (front → back
 * with `back: {replicas: <pods>}`, a rollout of back at 10 s, 120 s at
 * 200 requests/s, istio-sidecar). Its cost is the control plane's push
 * fan-out: ~2 × pods endpoint changes, each push reaching every proxy.
 *
 * `--second 12` adds a second rollout of back at 12 s, while the first is
 * under way (its first 25 % step has started pods that are not yet ready at
 * 15 s): the second takes the first one's pods over, so its plan undoes
 * what the first had planned past 12 s and ranks old pods of two
 * ReplicaSets, new pods still starting among them.
 *   /usr/bin/time -v node dist/bin/meshtax.js run --json rollout.yaml
 */
const args = process.argv.slice(2);
const at = args.indexOf('--second');
const second = at >= 0 ? Number(args[at + 1]) : null;
if (at >= 0) args.splice(at, 2);
const pods = Number(args[0] ?? '10000');
if (!Number.isInteger(pods) || pods < 1 || args.length > 1 || (second !== null && !(second > 10 && second < 120))) {
  console.error('usage: rolloutTopology.ts <pods> [--second <seconds, after 10 and before 120>]');
  process.exit(2);
}
const overtaking = second === null ? '' : `\n  - {at: ${second}s, rollout: {service: back}}`;
process.stdout.write(`name: rollout-${pods}${second === null ? '' : '-twice'}
description: A rollout of ${pods} pods under istio-sidecar (push fan-out benchmark)${second === null ? '' : `, overtaken by a second at ${second} s`}
simulation: {seed: 1, duration: 120s, warmup: 5s}
mesh: {profile: istio-sidecar}
services:
  front:
    replicas: 2
    workers: 64
    serviceTime: {dist: exponential, mean: 1ms}
    calls: [back]
  back:
    replicas: ${pods}
    workers: 4
    serviceTime: {dist: exponential, mean: 2ms}
entrypoints:
  web: {target: front, rate: 200/s}
timeline:
  - {at: 10s, rollout: {service: back}}${overtaking}
`);
