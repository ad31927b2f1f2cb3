import { randomBytes } from 'node:crypto';
import { attr, dashboardDocument } from '../../shared/dashboard-document';

/**
 * The webview's HTML and its Content-Security-Policy, kept free of `vscode` so they are unit-tested as text.
 * No `https:` anywhere (an image URL could exfiltrate data), no 'unsafe-inline', no 'unsafe-eval'.
 */
export function makeNonce(): string {
  return randomBytes(24).toString('base64');
}

export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderWebviewHtml(opts: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  return dashboardDocument({
    host: 'vscode',
    title: 'COSMOS Dashboard',
    headExtra: [
      `<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(opts.cspSource, opts.nonce))}">`,
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ].join('\n'),
    stylePath: opts.styleUri,
    scriptPath: opts.scriptUri,
    nonce: opts.nonce,
  });
}
