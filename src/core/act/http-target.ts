import { sha256Hex } from './canonical-json';

/**
 * Webhook URLs often carry a secret in their path (chat webhooks do), so actions never store them:
 * parameters name the setting, bind its value by hash (a changed URL changes the action, which
 * supersedes an approval shown for the old one) and keep only the origin for messages.
 */
export type UrlSetting = 'webhookUrl' | 'escalationUrl';

export interface HttpTarget {
  readonly setting: UrlSetting;
  readonly origin: string;
  readonly urlHash: string;
}

export function httpTarget(setting: UrlSetting, url: string): HttpTarget {
  return { setting, origin: displayUrl(url), urlHash: sha256Hex(url).slice(0, 16) };
}

export function matchesTarget(target: unknown, url: string | undefined): target is HttpTarget {
  if (typeof target !== 'object' || target === null || url === undefined) return false;
  const t = target as Partial<HttpTarget>;
  return t.urlHash === sha256Hex(url).slice(0, 16);
}

/** Scheme + host (+ port) only: what a message or the journal may show of a URL. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.length > 1 || u.search ? '/…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
