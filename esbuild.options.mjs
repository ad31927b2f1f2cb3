// The extension host bundle's options, shared by esbuild.mjs and the activation benchmark so that what is
// measured is exactly what ships.

/** Resolves the extension's `import('./node-runtime')` to the separate dist/node-runtime.js bundle. */
export const nodeRuntimeExternal = {
  name: 'node-runtime-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/node-runtime$/ }, () => ({ path: './node-runtime.js', external: true }));
  },
};

/** @param {boolean} production */
export function extensionOptions(production) {
  return {
    bundle: true,
    minify: production,
    sourcemap: production ? false : 'linked',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    entryPoints: { extension: 'src/extension.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // cjs output cannot code-split, so the heavy part (agent, zod, chokidar, ollama, generator) is its own
    // bundle (src/vscode/agent/node-runtime.ts), required on first use: activation loads only the surfaces.
    plugins: [nodeRuntimeExternal],
  };
}
