/**
 * The HTML shell of the browser dashboard. It carries no data and no token: the page reads the token from the
 * URL fragment (never sent to a server, never in a Referer) and fetches everything through the token-protected API.
 */
export function browserCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderBrowserShell(opts: { nonce: string; scriptPath: string; stylePath: string }): string {
  return `<!doctype html>
<html lang="en" data-host="browser">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>COSMOS — explainability dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${attr(opts.stylePath)}">
</head>
<body>
<div id="app" aria-busy="true"><p class="boot">Loading the COSMOS dashboard…</p></div>
<script nonce="${attr(opts.nonce)}" src="${attr(opts.scriptPath)}"></script>
</body>
</html>
`;
}
