/** Wall-clock time, injected so tests and replays are deterministic. Observation windows use event time, not this. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
