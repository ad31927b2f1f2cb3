/**
 * The one HTML document of the dashboard, for both hosts (VS Code webview and the browser server): it carries no
 * data, only the stylesheet, the nonce'd bundle and host-specific head lines (the webview's CSP meta; the browser's
 * CSP comes as a header). Every interpolated value is attribute-escaped.
 */
export function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function dashboardDocument(opts: {
  host: 'vscode' | 'browser';
  title: string;
  /** Trusted head markup built by the caller from escaped values. */
  headExtra: string;
  stylePath: string;
  scriptPath: string;
  nonce: string;
}): string {
  return `<!doctype html>
<html lang="en" data-host="${opts.host}">
<head>
<meta charset="utf-8">
${opts.headExtra}
<title>${attr(opts.title)}</title>
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
