/** Loads the heavy part of the extension (./node-runtime.ts, a separate bundle in dist/) on first use. */
export function loadNodeRuntime(): Promise<typeof import('./node-runtime')> {
  return import('./node-runtime');
}
