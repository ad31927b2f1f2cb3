import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Shared set-up of the browser tests: the dashboard bundle built from webview/main.ts with the options of
 * esbuild.mjs (so the test always runs the current source, even before `npm run build`), media/ copied beside it,
 * and Debian's Chromium launched with the flags from HARNESS.md.
 */
export const REPO = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(REPO, 'test', 'browser', 'artifacts');
export const CHROMIUM = process.env.COSMOS_CHROMIUM ?? '/usr/bin/chromium';

export async function buildAssets(): Promise<{ root: string; bundleBytes: number; cleanup(): void }> {
  const root = mkdtempSync(path.join(tmpdir(), 'cosmos-dash-'));
  mkdirSync(path.join(root, 'dist', 'webview'), { recursive: true });
  const result = await esbuild.build({
    entryPoints: { dashboard: path.join(REPO, 'webview', 'main.ts') },
    outdir: path.join(root, 'dist', 'webview'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  cpSync(path.join(REPO, 'media'), path.join(root, 'media'), { recursive: true });
  const bundleBytes = Object.values(result.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
  return { root, bundleBytes, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
