/**
 * Go `strings` functions whose Unicode rules differ from JavaScript's.
 * Ports of Go code (image references, .dockerignore) must use these to
 * agree with Docker on edge cases.
 */

// unicode.IsSpace: unlike JS trim(), U+0085 is space and U+FEFF is not.
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const LEADING_SPACE = new RegExp(`^${GO_SPACE}+`);
const TRAILING_SPACE = new RegExp(`${GO_SPACE}+$`);

/** Go's strings.TrimSpace. */
export function trimSpace(s: string): string {
  return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

/**
 * Go's strings.ToLower: rune by rune, so U+0130 becomes a plain 'i'
 * where JS produces 'i' + U+0307.
 */
export function toLower(s: string): string {
  let out = '';
  for (const ch of s) {
    // Go maps one rune to one rune; keep the first if JS expands it.
    out += String.fromCodePoint(ch.toLowerCase().codePointAt(0) ?? 0);
  }
  return out;
}
