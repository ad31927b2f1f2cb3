import type { BuildOptions, Plugin } from 'esbuild';
export declare const nodeRuntimeExternal: Plugin;
export declare function extensionOptions(production: boolean): BuildOptions & { entryPoints: Record<string, string> };
