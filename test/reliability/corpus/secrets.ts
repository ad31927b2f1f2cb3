import { SECRETS } from '../../fixtures/llm/secrets';
import { mulberry32 } from '../../crash/prng';

/**
 * Secrets and personal data for the redaction figures: the LLM helper's fixture plus generated variants of each
 * kind (emails, phone formats, Luhn-valid card numbers in several groupings, API keys with common prefixes, bearer
 * tokens, JWTs, IPv4/IPv6). Each `value` must never reach a prompt or an exported audit log.
 */
export interface Secret {
  readonly kind: string;
  readonly value: string;
}

function luhnComplete(prefix: string, length: number, rng: () => number): string {
  let digits = prefix;
  while (digits.length < length - 1) digits += String(Math.floor(rng() * 10));
  for (let check = 0; check < 10; check++) {
    const n = digits + String(check);
    let sum = 0;
    for (let i = 0; i < n.length; i++) {
      let d = Number(n[n.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    if (sum % 10 === 0) return n;
  }
  throw new Error('unreachable');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function secretsCorpus(seed = 8): Secret[] {
  const rng = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const chars = (n: number, alphabet = ALNUM) => Array.from({ length: n }, () => pick([...alphabet])).join('');
  const b64url = (n: number) => chars(n, `${ALNUM}-_`);
  const out: Secret[] = [...SECRETS];
  for (let i = 0; i < 12; i++) {
    out.push({ kind: 'EMAIL', value: `${pick(['maria', 'j.smith', 'ops-team', 'kenji.tanaka', 'billing'])}${i}@${pick(['shop-one.com', 'mail.example.org', 'store.co.uk', 'b2b.example.io'])}` });
  }
  const phones = ['+1 212 555 01%02d', '(646) 555-01%02d', '+49 30 901820%02d', '+33 1 42 68 53 %02d', '+81 3-1234-56%02d', '07700 9001%02d', '+61 2 9374 41%02d'];
  for (let i = 0; i < 14; i++) out.push({ kind: 'PHONE', value: pick(phones).replace('%02d', String(10 + i)) });
  const cards: Array<[string, number, number[]]> = [
    ['4', 16, [4, 4, 4, 4]],
    ['51', 16, [4, 4, 4, 4]],
    ['2221', 16, [4, 4, 4, 4]],
    ['34', 15, [4, 6, 5]],
    ['6011', 16, [4, 4, 4, 4]],
    ['35', 16, [4, 4, 4, 4]],
  ];
  for (let i = 0; i < 18; i++) {
    const [prefix, len, groups] = cards[i % cards.length]!;
    const n = luhnComplete(prefix, len, rng);
    const sep = ['', ' ', '-'][i % 3]!;
    let at = 0;
    out.push({ kind: 'CARD', value: groups.map((g) => n.slice(at, (at += g))).join(sep) });
  }
  const keyPrefixes = ['sk_live_', 'sk_test_', 'rk_live_', 'pk_live_', 'shpat_', 'shpss_', 'ghp_', 'gho_', 'github_pat_', 'glpat-', 'xoxb-', 'xoxp-', 'AKIA', 'AIza', 'SG.'];
  for (const p of keyPrefixes) {
    const body = p === 'SG.' ? `${b64url(22)}.${b64url(43)}` : p === 'AKIA' ? chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') : p === 'shpat_' || p === 'shpss_' ? chars(32, '0123456789abcdef') : p.startsWith('xox') ? `${chars(12, '0123456789')}-${chars(13, '0123456789')}-${chars(24)}` : chars(p === 'AIza' ? 35 : 30);
    out.push({ kind: 'KEY', value: `${p}${body}` });
  }
  for (let i = 0; i < 6; i++) out.push({ kind: 'TOKEN', value: b64url(40) });
  for (let i = 0; i < 6; i++) {
    const header = Buffer.from(JSON.stringify({ alg: pick(['HS256', 'RS256']), typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: String(1000 + i), email: `u${i}@shop.example`, exp: 1900000000 + i })).toString('base64url');
    out.push({ kind: 'JWT', value: `${header}.${payload}.${b64url(43)}` });
  }
  for (let i = 0; i < 8; i++) out.push({ kind: 'IP', value: `${pick([10, 172, 192, 198, 203])}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}` });
  for (let i = 0; i < 4; i++) out.push({ kind: 'IP', value: `2001:db8:${chars(4, '0123456789abcdef')}::${chars(4, '0123456789abcdef')}:${chars(3, '0123456789abcdef')}${i}` });
  return out;
}

/** How people put each kind into a ticket. */
export function ticketSentence(s: Secret, i: number): string {
  switch (s.kind) {
    case 'TOKEN':
      return `our call sends Authorization: Bearer ${s.value} and still gets 401`;
    case 'SECRET':
      return `config dump: password=${s.value} retries=3`;
    case 'KEY':
      return i % 2 ? `the key we use is ${s.value}` : `api_key="${s.value}"`;
    case 'JWT':
      return `session token ${s.value} expired?`;
    case 'CARD':
      return `customer paid with card ${s.value} exp 12/27`;
    case 'PHONE':
      return `call me at ${s.value}`;
    case 'EMAIL':
      return `reply to ${s.value}`;
    default:
      return `requests come from ${s.value}`;
  }
}
