import { randomBytes } from 'node:crypto';

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

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderWebviewHtml(opts: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  return `<!doctype html>
<html lang="en" data-host="vscode">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(opts.cspSource, opts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>COSMOS Dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${attr(opts.styleUri)}">
</head>
<body>
<div id="app" aria-busy="true"><p class="boot">Loading the COSMOS dashboard…</p></div>
<script nonce="${attr(opts.nonce)}" src="${attr(opts.scriptUri)}"></script>
</body>
</html>
`;
}
