import seedrandom from 'seedrandom';

/** A uniform draw in [0, 1). */
export type Rng = () => number;

/**
 * Independent named random streams derived from one seed. Each component
 * draws from its own stream (`arrivals/web`, `service/api`, …), so adding a
 * component or a fault elsewhere leaves every other component's draws as
 * they were. Uses seedrandom's alea: ~6 ns a draw, against ~50 ns for the
 * default ARC4.
 */
export class RandomStreams {
  private readonly seed: number;
  private readonly made = new Set<string>();

  constructor(seed: number) {
    this.seed = seed;
  }

  /** A fresh generator for `name`. Asking twice for one name is a model bug: two users would share draws. */
  stream(name: string): Rng {
    if (this.made.has(name)) throw new Error(`random stream "${name}" requested twice`);
    this.made.add(name);
    return seedrandom.alea(`meshtax/${this.seed}/${name}`);
  }
}
