/**
 * Markdown for files a person will open in an editor or a Markdown preview. Every value that came from a
 * data file (merchant ids, codes, file names) goes through `mdText`, so it can neither start a link,
 * an image (exfiltration), raw HTML nor a new block.
 */
const MAX_INLINE = 200;

// Control characters, zero-width and bidi overrides: invisible text must not hide content from a reviewer.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function mdText(value: unknown, max = MAX_INLINE): string {
  let s = String(value).replace(INVISIBLE, ' ');
  if (s.length > max) s = `${s.slice(0, max)}…`;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1');
}

export function mdList(items: readonly string[]): string {
  return items.length === 0 ? '- (none)\n' : items.map((i) => `- ${i}\n`).join('');
}

export function mdChecklist(items: readonly string[]): string {
  return items.map((i) => `- [ ] ${i}\n`).join('');
}

export function pct(x: number | undefined): string {
  return x === undefined ? 'n/a' : `${Math.round(x * 100)} %`;
}
