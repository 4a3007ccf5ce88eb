/**
 * Shell wildcard patterns for ${VAR#pat}, ${VAR%pat} and ${VAR/pat/repl}
 * (buildkit shell/lex.go convertShellPatternToRegex and friends).
 */

const REGEX_SPECIALS = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

export class PatternError extends Error {}

/**
 * `*` is any string (shortest unless greedy), `?` one character, `\` escapes
 * `*`, `?` and `\`; an escape before `}` or `/` only protected it from ${}.
 * Go's `.` does not match \n, so neither does ours.
 */
export function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const chars = Array.from(pattern.startsWith('\uFEFF') ? pattern.slice(1) : pattern);
  let out = anchored ? '^' : '';
  const star = greedy ? '[^\\n]*' : '[^\\n]*?';
  for (let i = 0; i < chars.length; i++) {
    let tok = chars[i];
    if (tok === '*') {
      out += star;
      continue;
    }
    if (tok === '?') {
      out += '[^\\n]';
      continue;
    }
    if (tok === '\\') {
      const peek = chars[i + 1];
      if (peek === '}' || peek === '/') continue;
      out += '\\';
      i++;
      tok = chars[i] ?? '\uFFFD';
      if (tok !== '*' && tok !== '?' && tok !== '\\') throw new PatternError(`invalid escape '\\${tok}'`);
    } else if (REGEX_SPECIALS.has(tok)) {
      out += '\\';
    }
    out += tok;
  }
  return new RegExp(out, 'u');
}

/** Remove the shortest (or longest) prefix of value matching pattern. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = shellPatternToRegex(pattern, greedy, true).exec(value);
  return m ? value.slice(m.index + m[0].length) : value;
}

// Reverse a pattern but keep escapes in front of what they escape: a\*c -> c\*a.
function reversePattern(pattern: string): string {
  const runes = Array.from(pattern);
  const out: string[] = new Array<string>(runes.length);
  const last = runes.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = runes[i];
    const at = last - i;
    if (tok === '\\' && i !== last) {
      out[at - 1] = tok;
      out[at] = runes[i + 1];
      i += 2;
    } else {
      out[at] = tok;
      i++;
    }
  }
  return out.join('');
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

/**
 * Remove the shortest (or longest) suffix. Regexps only find leftmost
 * matches, so both sides are reversed to turn it into a prefix search.
 */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}

/**
 * Go's Regexp.ReplaceAllString treats `$name`/`${name}` in the replacement
 * as group references. Our patterns have no groups, so only `$0`/`${0}`
 * (whole match) and `$$` produce text; any other reference is empty.
 */
function expandReplacement(template: string, match: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest[0] === '$') {
      out += '$';
      i++;
      continue;
    }
    const m = /^\{([A-Za-z0-9_]+)\}/.exec(rest) ?? /^([A-Za-z0-9_]+)/.exec(rest);
    if (!m) {
      out += c;
      continue;
    }
    if (m[1] === '0') out += match;
    i += m[0].length;
  }
  return out;
}

/** ${VAR/pattern/replacement} and ${VAR//pattern/replacement}. */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  const re = shellPatternToRegex(pattern, true, false);
  if (all) {
    const global = new RegExp(re.source, 'gu');
    return value.replace(global, (m: string) => expandReplacement(replacement, m));
  }
  const m = re.exec(value);
  if (!m) return value;
  return value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length);
}
