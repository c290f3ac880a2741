"""The chain5 reference workload in SimPy 3, to measure meshtax against a
peer in the same run (see test/bench/run.ts and the README's Performance).

Poisson arrivals at 3/s into 5 hops; each hop: client proxy (exponential,
mean 0.05 s) -> network (0.1 s + exponential mean 0.1 s) -> server proxy
(exponential, mean 0.05 s) -> a service with 4 workers, exponential service
time of mean 1 s. Proxies and network are delays (infinite servers).
Analytic mean end-to-end latency: 9.047 s.

Usage: /usr/bin/python3 chain5_simpy.py REQUESTS   (needs Debian's python3-simpy3)
Prints one JSON line: requests, seconds, mean latency.
"""
import json
import random
import sys
import time

import simpy

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
rng = random.Random(1)
env = simpy.Environment()
stations = [simpy.Resource(env, capacity=4) for _ in range(5)]
done = 0
total = 0.0


def request(env):
    global done, total
    start = env.now
    for station in stations:
        yield env.timeout(rng.expovariate(20.0))          # client proxy
        yield env.timeout(0.1 + rng.expovariate(10.0))    # network
        yield env.timeout(rng.expovariate(20.0))          # server proxy
        with station.request() as req:
            yield req
            yield env.timeout(rng.expovariate(1.0))       # service
    done += 1
    total += env.now - start
    if done == REQUESTS:
        finished.succeed()


def source(env):
    while True:
        yield env.timeout(rng.expovariate(3.0))
        env.process(request(env))


finished = env.event()
env.process(source(env))
t0 = time.perf_counter()
env.run(until=finished)
seconds = time.perf_counter() - t0
print(json.dumps({"requests": done, "seconds": seconds, "meanLatency": total / max(done, 1)}))
