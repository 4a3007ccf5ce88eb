/** `-v`, `--mount` and `--tmpfs` as Docker reads them (pure). */
import path from 'node:path';
import { TsrunError } from '../core/errors.js';

export interface MountRequest {
  type: 'bind' | 'volume' | 'tmpfs';
  /** A host path (bind), a volume name (volume; none for an anonymous one). */
  source?: string;
  target: string;
  readonly: boolean;
  /** Do not fill a new volume from the image. */
  noCopy?: boolean;
  /** `-v` makes a missing host directory; `--mount` refuses. */
  createSource?: boolean;
  /** tmpfs mount data: size=, mode=. */
  options?: string[];
}

function invalid(kind: string, why: string): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', `invalid mount config for type "${kind}": ${why}`);
}

function absoluteTarget(kind: string, target: string | undefined): string {
  if (!target) throw invalid(kind, 'field Target must not be empty');
  if (!target.startsWith('/')) throw invalid(kind, `invalid mount path: '${target}' mount path must be absolute`);
  return path.posix.normalize(target);
}

/** `-v /host:/ctr[:ro]`, `-v name:/ctr[:ro,nocopy]`, `-v /ctr` (anonymous volume). */
export function parseVolumeFlag(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) {
    throw new TsrunError('INVALID_ARGUMENT', `invalid volume specification: '${spec}'`);
  }
  if (parts.length === 1) return { type: 'volume', target: absoluteTarget('volume', parts[0]), readonly: false };
  const [source, target, mode = ''] = parts;
  const modes = mode.split(',').filter(Boolean);
  for (const m of modes) {
    if (!['ro', 'rw', 'z', 'Z', 'nocopy', 'rprivate', 'private', 'rslave', 'slave'].includes(m)) {
      throw new TsrunError('INVALID_ARGUMENT', `invalid mode: ${m}`);
    }
  }
  const readonly = modes.includes('ro');
  if (source.startsWith('/') || source.startsWith('.')) {
    return { type: 'bind', source: path.resolve(source), target: absoluteTarget('bind', target), readonly, createSource: true };
  }
  return { type: 'volume', source, target: absoluteTarget('volume', target), readonly, noCopy: modes.includes('nocopy') };
}

const truthy = (v: string | undefined) => v === undefined || v === '' || v === 'true' || v === '1';

/** `--mount type=bind|volume|tmpfs,source=…,target=…[,readonly][,volume-nocopy][,tmpfs-size=…][,tmpfs-mode=…]`. */
export function parseMountFlag(spec: string): MountRequest {
  const fields = new Map<string, string | undefined>();
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    fields.set((eq < 0 ? field : field.slice(0, eq)).toLowerCase(), eq < 0 ? undefined : field.slice(eq + 1));
  }
  const type = fields.get('type') ?? 'volume';
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') throw new TsrunError('INVALID_ARGUMENT', `invalid mount type: "${type}"`);
  const source = fields.get('source') ?? fields.get('src');
  const target = absoluteTarget(type, fields.get('target') ?? fields.get('destination') ?? fields.get('dst'));
  const readonly = fields.has('readonly') ? truthy(fields.get('readonly')) : fields.has('ro') && truthy(fields.get('ro'));
  if (type === 'bind') {
    if (!source) throw invalid('bind', 'field Source must not be empty');
    return { type, source: path.resolve(source), target, readonly };
  }
  if (type === 'tmpfs') {
    if (source) throw invalid('tmpfs', 'field Source must not be specified');
    const options: string[] = [];
    if (fields.get('tmpfs-size')) options.push(`size=${fields.get('tmpfs-size')}`);
    if (fields.get('tmpfs-mode')) options.push(`mode=${fields.get('tmpfs-mode')}`);
    return { type, target, readonly, options };
  }
  return { type, source: source || undefined, target, readonly, noCopy: fields.has('volume-nocopy') && truthy(fields.get('volume-nocopy')) };
}

/** `--tmpfs /path[:size=64m,mode=1777]`. */
export function parseTmpfsFlag(spec: string): MountRequest {
  const colon = spec.indexOf(':');
  const target = absoluteTarget('tmpfs', colon < 0 ? spec : spec.slice(0, colon));
  const options = colon < 0 ? [] : spec.slice(colon + 1).split(',').filter(Boolean);
  return { type: 'tmpfs', target, readonly: options.includes('ro'), options: options.filter((o) => o !== 'ro' && o !== 'rw') };
}
