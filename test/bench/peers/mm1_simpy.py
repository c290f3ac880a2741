"""The M/M/1 queue in SimPy 3, to measure meshtax against a peer in the same
run (see test/bench/run.ts): one server, FIFO, Poisson arrivals at LAMBDA/s,
exponential service times at MU/s. The bench passes topologies/mm1.yaml's
rates (lambda = 80/s, mu = 100/s, the defaults here).
Analytic mean time in system: 1 / (mu - lambda) = 50 ms.

Usage: /usr/bin/python3 mm1_simpy.py REQUESTS [LAMBDA MU]   (needs Debian's python3-simpy3)
Prints one JSON line: requests, seconds, mean latency.
"""
import json
import random
import sys
import time

import simpy

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
LAMBDA = float(sys.argv[2]) if len(sys.argv) > 2 else 80.0
MU = float(sys.argv[3]) if len(sys.argv) > 3 else 100.0
rng = random.Random(1)
env = simpy.Environment()
server = simpy.Resource(env, capacity=1)
done = 0
total = 0.0


def request(env):
    global done, total
    start = env.now
    with server.request() as req:
        yield req
        yield env.timeout(rng.expovariate(MU))
    done += 1
    total += env.now - start
    if done == REQUESTS:
        finished.succeed()


def source(env):
    while True:
        yield env.timeout(rng.expovariate(LAMBDA))
        env.process(request(env))


finished = env.event()
env.process(source(env))
t0 = time.perf_counter()
env.run(until=finished)
seconds = time.perf_counter() - t0
print(json.dumps({"requests": done, "seconds": seconds, "meanLatency": total / max(done, 1)}))
