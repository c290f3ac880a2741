/**
 * `npx tsx test/bench/rolloutTopology.ts <pods> > rollout.yaml`: the large
 * rollout the README's Performance section times (front → back with
 * `back: {replicas: <pods>}`, a rollout of back at 10 s, 120 s at
 * 200 requests/s, istio-sidecar). Its cost is the control plane's push
 * fan-out: ~2 × pods endpoint changes, each push reaching every proxy.
 *   /usr/bin/time -v node dist/bin/meshtax.js run --json rollout.yaml
 */
const pods = Number(process.argv[2] ?? '10000');
if (!Number.isInteger(pods) || pods < 1) {
  console.error('usage: rolloutTopology.ts <pods>');
  process.exit(2);
}
process.stdout.write(`name: rollout-${pods}
description: A rollout of ${pods} pods under istio-sidecar (push fan-out benchmark)
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
  - {at: 10s, rollout: {service: back}}
`);
