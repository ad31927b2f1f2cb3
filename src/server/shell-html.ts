import { dashboardDocument } from '../shared/dashboard-document';

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

export function renderBrowserShell(opts: { nonce: string; scriptPath: string; stylePath: string }): string {
  return dashboardDocument({
    host: 'browser',
    title: 'COSMOS — explainability dashboard',
    headExtra: [
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      '<meta name="referrer" content="no-referrer">',
      '<meta name="color-scheme" content="light dark">',
    ].join('\n'),
    stylePath: opts.stylePath,
    scriptPath: opts.scriptPath,
    nonce: opts.nonce,
  });
}
