import { mulberry32 as corePrng } from '../../src/core/generate/prng';

/** The generator's seeded PRNG as a plain function, so a failing crash trial can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  return corePrng(seed).next;
}
