/**
 * `commit -c 'INSTRUCTION ...'`: the Dockerfile instructions Docker accepts
 * there, applied to an image config (pure).
 */
import { TsrunError } from '../core/errors.js';
import type { ContainerConfig } from '../oci/image.js';

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];
const BUILD_ONLY = ['ADD', 'ARG', 'COPY', 'FROM', 'HEALTHCHECK', 'MAINTAINER', 'RUN', 'SHELL'];

/** Shell-like words: quotes group, backslash escapes (enough for KEY="a b" pairs). */
export function shellWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new TsrunError('INVALID_ARGUMENT', `unexpected end of statement while looking for matching ${quote}`);
  if (inWord) out.push(cur);
  return out;
}

/** JSON exec form, or shell form run by /bin/sh -c. */
function commandForm(rest: string): string[] {
  if (rest.trimStart().startsWith('[')) {
    try {
      const parsed = JSON.parse(rest) as unknown;
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed;
    } catch {
      /* not JSON: shell form, as Docker does */
    }
  }
  return ['/bin/sh', '-c', rest];
}

/** KEY=VALUE pairs, or the legacy `KEY VALUE` form. */
function pairs(rest: string, what: string): Array<[string, string]> {
  const words = shellWords(rest);
  if (words.length === 0) throw new TsrunError('INVALID_ARGUMENT', `${what} requires at least one argument`);
  if (!words[0].includes('=')) return [[words[0], rest.trim().slice(rest.trim().indexOf(' ') + 1).trim()]];
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new TsrunError('INVALID_ARGUMENT', `${what} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function applyOne(config: ContainerConfig, change: string): void {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(change);
  if (!m) return;
  const instruction = m[1].toUpperCase();
  const rest = m[2].trim();
  if (BUILD_ONLY.includes(instruction)) throw new TsrunError('INVALID_ARGUMENT', `${instruction} is not a valid change command`);
  if (!ALLOWED.includes(instruction)) throw new TsrunError('INVALID_ARGUMENT', `dockerfile parse error line 1: unknown instruction: ${m[1]}`);
  switch (instruction) {
    case 'CMD': config.Cmd = commandForm(rest); break;
    case 'ENTRYPOINT': config.Entrypoint = commandForm(rest); break;
    case 'ENV':
      for (const [k, v] of pairs(rest, 'ENV')) config.Env = [...(config.Env ?? []).filter((e) => e.split('=')[0] !== k), `${k}=${v}`];
      break;
    case 'LABEL':
      for (const [k, v] of pairs(rest, 'LABEL')) config.Labels = { ...(config.Labels ?? {}), [k]: v };
      break;
    case 'EXPOSE':
      for (const p of shellWords(rest)) config.ExposedPorts = { ...(config.ExposedPorts ?? {}), [p.includes('/') ? p : `${p}/tcp`]: {} };
      break;
    case 'VOLUME':
      for (const v of rest.startsWith('[') ? commandForm(rest) : shellWords(rest)) config.Volumes = { ...(config.Volumes ?? {}), [v]: {} };
      break;
    case 'WORKDIR': config.WorkingDir = rest; break;
    case 'USER': config.User = rest; break;
    case 'STOPSIGNAL': config.StopSignal = rest; break;
    case 'ONBUILD': config.OnBuild = [...(config.OnBuild ?? []), rest]; break;
  }
}

export function applyChanges(base: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const config: ContainerConfig = structuredClone(base);
  for (const change of changes) applyOne(config, change);
  return config;
}
