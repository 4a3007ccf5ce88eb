/**
 * The part of Go's text/template that `--format` and `inspect -f` use:
 * `{{.Field.Path}}`, `{{json .X}}`, `{{index .Map "key"}}`, `{{upper}}`/`{{lower}}`,
 * `{{range .List}}…{{end}}`, `{{if .X}}…{{else}}…{{end}}`, and `\t` `\n` escapes.
 * Values print as Go's fmt would: maps as map[k:v], lists as [a b].
 */
import { TsrunError } from './errors.js';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; words: string[] }
  | { kind: 'range'; words: string[]; body: Node[] }
  | { kind: 'if'; words: string[]; then: Node[]; else: Node[] };

function bad(why: string): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', `template parsing error: ${why}`);
}

/** Splits an action into words, keeping "quoted strings" whole. */
function words(action: string): string[] {
  return action.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

function parse(tokens: string[], pos: { i: number }, until: string[]): Node[] {
  const nodes: Node[] = [];
  while (pos.i < tokens.length) {
    const tok = tokens[pos.i++];
    if (!tok.startsWith('{{')) {
      nodes.push({ kind: 'text', text: tok });
      continue;
    }
    const w = words(tok.slice(2, -2).replace(/^-\s*|\s*-$/g, ''));
    if (until.includes(w[0])) {
      pos.i--;
      return nodes;
    }
    if (w[0] === 'range') {
      nodes.push({ kind: 'range', words: w.slice(1), body: parse(tokens, pos, ['end']) });
      pos.i++;
    } else if (w[0] === 'if') {
      const then = parse(tokens, pos, ['else', 'end']);
      const isElse = words(tokens[pos.i++]?.slice(2, -2) ?? '')[0] === 'else';
      const otherwise = isElse ? parse(tokens, pos, ['end']) : [];
      if (isElse) pos.i++;
      nodes.push({ kind: 'if', words: w.slice(1), then, else: otherwise });
    } else if (w[0] === 'end' || w[0] === 'else') {
      throw bad(`unexpected {{${w[0]}}}`);
    } else {
      nodes.push({ kind: 'action', words: w });
    }
  }
  if (until.length) throw bad('unexpected EOF');
  return nodes;
}

function field(dot: unknown, path: string): unknown {
  if (path === '.') return dot;
  let v: unknown = dot;
  for (const key of path.split('.').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function argument(dot: unknown, word: string): unknown {
  if (word.startsWith('"')) return JSON.parse(word);
  if (word.startsWith('.')) return field(dot, word);
  if (/^-?\d+$/.test(word)) return Number(word);
  throw bad(`function "${word}" not defined`);
}

function evaluate(dot: unknown, w: string[]): unknown {
  const [head, ...rest] = w;
  const args = () => rest.map((x) => argument(dot, x));
  switch (head) {
    case 'json': return JSON.stringify(args()[0] ?? null);
    case 'upper': return String(format(args()[0])).toUpperCase();
    case 'lower': return String(format(args()[0])).toLowerCase();
    case 'len': return ((args()[0] as unknown[] | undefined) ?? []).length ?? Object.keys(args()[0] as object).length;
    case 'index': {
      const [base, ...keys] = args();
      return keys.reduce((v: unknown, k) => (v as Record<string, unknown> | undefined)?.[String(k)], base) ?? '';
    }
    default: return argument(dot, head);
  }
}

/** Go's fmt %v of a JSON-like value. */
export function format(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(format).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.keys(v as object).sort().map((k) => `${k}:${format((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  return String(v);
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

function render(nodes: Node[], dot: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'action') out += format(evaluate(dot, n.words));
    else if (n.kind === 'if') out += render(truthy(evaluate(dot, n.words)) ? n.then : n.else, dot);
    else {
      const list = evaluate(dot, n.words);
      const items = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [];
      for (const item of items) out += render(n.body, item);
    }
  }
  return out;
}

export function renderTemplate(template: string, data: unknown): string {
  const text = template.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const tokens = text.split(/({{.*?}})/s).filter((t) => t !== '');
  return render(parse(tokens, { i: 0 }, []), data);
}
