/**
 * $VAR expansion for one step, remembering which build args it read: they
 * go into the step's cache key and --explain-cache says which one changed.
 */
import type { StageArgs } from './args.js';
import { ShellLex } from './expand.js';

export interface Expander {
  word(text: string): string;
  /** Expanded and split on unquoted blanks (EXPOSE, and the words of a shell-form list). */
  words(text: string): string[];
  /** A heredoc body: variables expanded, quotes kept. */
  heredoc(text: string): string;
  /** Build args read so far, with their values. */
  usedArgs(): Record<string, string>;
}

export function createExpander(configEnv: readonly string[], args: StageArgs, escapeToken: string): Expander {
  const env = args.expansionEnv(configEnv);
  const allowed = args.allowed(configEnv);
  const lex = new ShellLex(escapeToken);
  const bodyLex = new ShellLex(escapeToken, { skipProcessQuotes: true });
  const used: Record<string, string> = {};
  const note = (matched: Set<string>) => {
    for (const name of matched) {
      const v = allowed.get(name);
      if (v !== undefined) used[name] = v;
    }
  };
  return {
    word(text) {
      const r = lex.processWordWithMatches(text, env);
      note(r.matched);
      return r.result;
    },
    words(text) {
      const r = lex.processWordWithMatches(text, env);
      note(r.matched);
      return r.words;
    },
    heredoc(text) {
      const r = bodyLex.processWordWithMatches(text, env);
      note(r.matched);
      return r.result;
    },
    usedArgs: () => ({ ...used }),
  };
}
