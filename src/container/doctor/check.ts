/** One line of `tsrun doctor`: what was checked, ok or a problem, and how to fix it. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** How to fix it (problems only). */
  fix?: string;
}

export const ok = (name: string, detail: string): Check => ({ name, ok: true, detail });
export const problem = (name: string, detail: string, fix: string): Check => ({ name, ok: false, detail, fix });
