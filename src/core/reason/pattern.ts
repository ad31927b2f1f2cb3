/**
 * Code patterns used by rule conditions: `http_401`, `http_5*`, `http_401@webhook` (code at a service),
 * and alternatives joined with `|` (`http_429|rate_limit*`). Globs know `*` (any run) and `?` (one char).
 * Compiled once to regular expressions so evaluating a rule never re-parses a pattern.
 */
export interface CodePattern {
  readonly source: string;
  /** True when `code` (at `service`, when given) matches one alternative. */
  matchesCode(code: string, service?: string): boolean;
  /** True when the whole string matches one alternative, `@` taken literally (for list fields). */
  matchesText(text: string): boolean;
}

interface Alternative {
  readonly code: RegExp;
  readonly service: RegExp | undefined;
  readonly whole: RegExp;
}

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

export function compilePattern(source: string): CodePattern {
  const alternatives: Alternative[] = source
    .split('|')
    .map((alt) => alt.trim())
    .filter((alt) => alt.length > 0)
    .map((alt) => {
      const at = alt.lastIndexOf('@');
      const code = at >= 0 ? alt.slice(0, at) : alt;
      const service = at >= 0 ? alt.slice(at + 1) : undefined;
      return {
        code: globToRegExp(code),
        service: service === undefined ? undefined : globToRegExp(service),
        whole: globToRegExp(alt),
      };
    });
  return {
    source,
    matchesCode(code, service) {
      return alternatives.some(
        (a) => a.code.test(code) && (a.service === undefined || service === undefined || a.service.test(service)),
      );
    },
    matchesText(text) {
      return alternatives.some((a) => a.whole.test(text));
    },
  };
}
