// A small seeded PRNG (mulberry32) for fault rates: the same seed gives the same sequence of draws, so a
// test or a rehearsal with `rate: 0.3` fails exactly the same requests every run. Not for cryptography.

export type Rng = () => number;

/** Returns a function yielding numbers in [0, 1), fully determined by `seed` (any 32-bit integer). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed for runs that did not ask for one; reported in the stats so the run can be repeated. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
