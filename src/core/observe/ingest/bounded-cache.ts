import { ownString } from './own-string';

/**
 * Codes, services and statuses repeat endlessly in a log: derive each distinct spelling once. Bounded, because a
 * hostile or broken file can hold millions of distinct values; past the limit the cache starts over (the values
 * are recomputed, never wrong).
 */
const CACHE_LIMIT = 10_000;

export function cachedBy<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  let out = cache.get(key);
  if (out === undefined) {
    // The key may be a view into a whole chunk of a file (FlatLineReader hands codes and services over as
    // slices): the cache keeps a string of its own, and derives the value from that.
    const own = ownString(key);
    out = compute(own);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(own, out);
  }
  return out;
}

