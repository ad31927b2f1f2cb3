/**
 * Codes, services and statuses repeat endlessly in a log: derive each distinct spelling once. Bounded, because a
 * hostile or broken file can hold millions of distinct values; past the limit the cache starts over (the values
 * are recomputed, never wrong).
 */
const CACHE_LIMIT = 10_000;

export function cachedBy<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  let out = cache.get(key);
  if (out === undefined) {
    out = compute(key);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, out);
  }
  return out;
}
