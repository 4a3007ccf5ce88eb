/**
 * `RUN --mount=type=cache|bind,...` values (BuildKit's instructions/commands_runmount.go):
 * comma-separated key=value fields; a bare `ro`/`rw` is a boolean.
 */
import { TsrunError } from '../core/errors.js';

export interface RunMount {
  type: 'bind' | 'cache';
  target: string;
  /** bind: the path in the source (context, stage or image); cache: a subpath of the cache. */
  source: string;
  /** bind: stage name/index or image; '' = the build context. */
  from: string;
  readOnly: boolean;
  /** cache: the cache's id (default: the target). */
  id: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

const bad = (msg: string) => new TsrunError('INVALID_ARGUMENT', msg);

function parseBool(key: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw bad(`invalid value for ${key}: ${value}`);
}

function parseNumber(key: string, value: string, radix: number): number {
  const n = Number.parseInt(value, radix);
  if (!Number.isInteger(n) || n < 0 || !new RegExp(radix === 8 ? '^0?[0-7]+$' : '^\\d+$').test(value)) {
    throw bad(`invalid value for ${key}: ${value}`);
  }
  return n;
}

export function parseRunMount(text: string): RunMount {
  let type = 'bind';
  let readOnly: boolean | undefined;
  const m: Partial<RunMount> = { source: '', from: '', id: '' };
  for (const field of text.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    switch (key) {
      case 'type': type = value ?? ''; break;
      case 'target': case 'dst': case 'destination': m.target = value ?? ''; break;
      case 'source': case 'src': m.source = value ?? ''; break;
      case 'from': m.from = value ?? ''; break;
      case 'id': m.id = value ?? ''; break;
      case 'ro': case 'readonly': readOnly = parseBool(key, value); break;
      case 'rw': case 'readwrite': readOnly = !parseBool(key, value); break;
      case 'mode': m.mode = parseNumber(key, value ?? '', 8); break;
      case 'uid': m.uid = parseNumber(key, value ?? '', 10); break;
      case 'gid': m.gid = parseNumber(key, value ?? '', 10); break;
      case 'sharing': case 'required': break; // one builder at a time: sharing modes are all the same here
      default: throw bad(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (type !== 'bind' && type !== 'cache') throw bad(`mount type ${type} is not supported by tsrun build (use bind or cache)`);
  if (!m.target) throw bad('mount destination (target) is required');
  return {
    type,
    target: m.target,
    source: m.source ?? '',
    from: m.from ?? '',
    // binds are read-only by default, caches writable
    readOnly: readOnly ?? type === 'bind',
    id: m.id || m.target,
    ...(m.mode !== undefined ? { mode: m.mode } : {}),
    ...(m.uid !== undefined ? { uid: m.uid } : {}),
    ...(m.gid !== undefined ? { gid: m.gid } : {}),
  };
}
