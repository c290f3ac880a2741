/**
 * The floor: a workload as a minimal hand-written event loop — a binary heap
 * over typed arrays, an inline PRNG, no statistics but the mean. No
 * general-purpose engine can beat this by much; meshtax's bench reports its
 * speed as a fraction of it. Two workloads share the heap:
 *   chain5  the reference chain (see chain5_simpy.py), the default;
 *   mm1     one FIFO server, Poisson arrivals at LAMBDA/s, exponential
 *           service at MU/s (see mm1_simpy.py).
 * Usage: tsx test/bench/peers/floor.ts REQUESTS [chain5 | mm1 LAMBDA MU]
 *        → one JSON line: requests, seconds, events, meanLatency.
 */
// mulberry32: a tiny, fast 32-bit generator; the floor needs speed, not streams.
let state = 1;
function rand(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const exp = (mean: number): number => -mean * Math.log(1 - rand());

// Event heap: time, sequence, kind, request.
let cap = 1 << 16;
let T = new Float64Array(cap), S = new Float64Array(cap), K = new Int32Array(cap), R = new Int32Array(cap);
let n = 0, seq = 0;
function push(t: number, k: number, r: number): void {
  if (n === cap) {
    cap *= 2;
    const t2 = new Float64Array(cap); t2.set(T); T = t2;
    const s2 = new Float64Array(cap); s2.set(S); S = s2;
    const k2 = new Int32Array(cap); k2.set(K); K = k2;
    const r2 = new Int32Array(cap); r2.set(R); R = r2;
  }
  const s = seq++;
  let i = n++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (T[p] < t || (T[p] === t && S[p] < s)) break;
    T[i] = T[p]; S[i] = S[p]; K[i] = K[p]; R[i] = R[p];
    i = p;
  }
  T[i] = t; S[i] = s; K[i] = k; R[i] = r;
}
let pt = 0, pk = 0, pr = 0;
function pop(): void {
  pt = T[0]; pk = K[0]; pr = R[0];
  const last = --n;
  if (last === 0) return;
  const t = T[last], s = S[last], k = K[last], r = R[last];
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= last) break;
    if (c + 1 < last && (T[c + 1] < T[c] || (T[c + 1] === T[c] && S[c + 1] < S[c]))) c++;
    if (t < T[c] || (t === T[c] && s < S[c])) break;
    T[i] = T[c]; S[i] = S[c]; K[i] = K[c]; R[i] = R[c];
    i = c;
  }
  T[i] = t; S[i] = s; K[i] = k; R[i] = r;
}

/** The reference chain: 5 hops of client proxy, network, server proxy and an M/M/4 station. */
function chain5(requests: number): { done: number; total: number } {
  // Per request: start time and hop; per station: busy workers and a FIFO.
  const MAX = 1 << 20;
  const start = new Float64Array(MAX), hop = new Int32Array(MAX);
  const free: number[] = [];
  let nextSlot = 0;
  const busy = new Int32Array(5);
  const queues: number[][] = [[], [], [], [], []];
  const ARRIVAL = 0, AFTER_PROXY1 = 1, AFTER_NET = 2, AFTER_PROXY2 = 3, SERVED = 4;
  let done = 0, total = 0;
  const hopStart = (r: number, now: number): void => push(now + exp(0.05), AFTER_PROXY1, r);

  push(exp(1 / 3), ARRIVAL, -1);
  while (done < requests) {
    pop();
    const now = pt;
    switch (pk) {
      case ARRIVAL: {
        push(now + exp(1 / 3), ARRIVAL, -1);
        const r = free.length > 0 ? (free.pop() as number) : nextSlot++;
        start[r] = now; hop[r] = 0;
        hopStart(r, now);
        break;
      }
      case AFTER_PROXY1: push(now + 0.1 + exp(0.1), AFTER_NET, pr); break;
      case AFTER_NET: push(now + exp(0.05), AFTER_PROXY2, pr); break;
      case AFTER_PROXY2: {
        const st = hop[pr];
        if (busy[st] < 4) { busy[st]++; push(now + exp(1), SERVED, pr); } else queues[st].push(pr);
        break;
      }
      case SERVED: {
        const st = hop[pr];
        const q = queues[st];
        if (q.length > 0) push(now + exp(1), SERVED, q.shift() as number); else busy[st]--;
        if (++hop[pr] === 5) { done++; total += now - start[pr]; free.push(pr); } else hopStart(pr, now);
        break;
      }
    }
  }
  return { done, total };
}

/** M/M/1: one server, FIFO; the waiting room is a ring of arrival times. */
function mm1(requests: number, lambda: number, mu: number): { done: number; total: number } {
  const ARRIVAL = 0, DEPARTURE = 1;
  let ring = new Float64Array(1024), head = 0, size = 0;
  let busy = false, inService = 0; // the arrival time of the request being served
  let done = 0, total = 0;
  push(exp(1 / lambda), ARRIVAL, -1);
  while (done < requests) {
    pop();
    const now = pt;
    if (pk === ARRIVAL) {
      push(now + exp(1 / lambda), ARRIVAL, -1);
      if (!busy) { busy = true; inService = now; push(now + exp(1 / mu), DEPARTURE, -1); continue; }
      if (size === ring.length) { // grow, unrolling the ring so that head is 0
        const r2 = new Float64Array(ring.length * 2);
        for (let j = 0; j < size; j++) r2[j] = ring[(head + j) & (ring.length - 1)];
        ring = r2; head = 0;
      }
      ring[(head + size++) & (ring.length - 1)] = now;
    } else {
      done++; total += now - inService;
      if (size === 0) { busy = false; continue; }
      inService = ring[head]; head = (head + 1) & (ring.length - 1); size--;
      push(now + exp(1 / mu), DEPARTURE, -1);
    }
  }
  return { done, total };
}

const [requestsArg, mode = 'chain5', lambdaArg, muArg] = process.argv.slice(2);
const requests = Number(requestsArg ?? 100000);
if (mode !== 'chain5' && mode !== 'mm1') {
  console.error(`unknown workload ${mode}: chain5 or mm1`);
  process.exit(2);
}
const t0 = process.hrtime.bigint();
const { done, total } = mode === 'mm1' ? mm1(requests, Number(lambdaArg ?? 80), Number(muArg ?? 100)) : chain5(requests);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(JSON.stringify({ requests: done, seconds, events: seq, meanLatency: total / done }) + '\n');
