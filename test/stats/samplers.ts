/** Seeded samplers shared by the stats tests (alea: fast and reproducible). */
import seedrandom from 'seedrandom';

export type Rng = () => number;

export function rngFor(seed: string): Rng {
  return seedrandom.alea(seed);
}

export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng()) * mean;
}

/** Standard normal by Box–Muller (one of the pair; simple beats fast here). */
export function normal(rng: Rng): number {
  const u = 1 - rng(); // (0, 1]
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function lognormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normal(rng));
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}
