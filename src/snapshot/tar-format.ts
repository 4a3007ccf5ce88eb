/**
 * The tar header codec (ustar + pax, reading GNU long names too).
 *
 * Our own rather than tar-stream's because layers carry binary pax values
 * (`SCHILY.xattr.security.capability`), which tar-stream v3 turns into UTF-8
 * strings on both read and write; here pax values stay Buffers end to end.
 */
import { TsrunError } from '../core/errors.js';

export const BLOCK = 512;

export type TarEntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

/** One entry's metadata after pax / GNU long-name records are applied. */
export interface TarHeader {
  name: string;
  type: TarEntryType;
  /** Permission bits incl. setuid/setgid/sticky (& 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data following the header (0 for header-only types). */
  size: number;
  /** Seconds since the epoch, possibly fractional (pax). */
  mtime: number;
  atime?: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** From `SCHILY.xattr.*` (and bsdtar's `LIBARCHIVE.xattr.*`) pax records, values byte-exact. */
  xattrs: Map<string, Buffer>;
}

/** A header block as stored, before pax / long-name records are applied. */
export interface RawHeader {
  name: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
}

const USTAR_MAGIC = Buffer.from('ustar\x0000', 'latin1');
const POSIX_MAGIC = Buffer.from('ustar\x00', 'latin1');

// ---------------------------------------------------------------- decoding

function cString(block: Buffer, off: number, len: number): string {
  const field = block.subarray(off, off + len);
  const end = field.indexOf(0);
  return (end === -1 ? field : field.subarray(0, end)).toString('utf8');
}

/** Octal (NUL/space padded) or GNU base-256 when the high bit of the first byte is set. */
function numeric(block: Buffer, off: number, len: number): number {
  const field = block.subarray(off, off + len);
  if (field[0]! & 0x80) {
    if (field[0] === 0xff) return -1; // negative base-256: treated as invalid by callers
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return Number.NaN;
  return parseInt(text, 8);
}

function checksumMatches(block: Buffer): boolean {
  const stored = numeric(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** null for an all-zero block (end of archive). */
export function decodeHeader(block: Buffer): RawHeader | null {
  if (block.every((b) => b === 0)) return null;
  if (!checksumMatches(block)) {
    throw new TsrunError('INVALID_ARGUMENT', 'invalid tar header checksum (corrupt or not a tar archive)');
  }
  let name = cString(block, 0, 100);
  if (block.subarray(257, 263).equals(POSIX_MAGIC)) {
    // POSIX ustar has a name prefix; GNU ("ustar  ") keeps other data there.
    const prefix = cString(block, 345, 155);
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  const flagByte = block[156]!;
  const header: RawHeader = {
    name,
    typeflag: flagByte === 0 ? '0' : String.fromCharCode(flagByte),
    mode: numeric(block, 100, 8),
    uid: numeric(block, 108, 8),
    gid: numeric(block, 116, 8),
    size: numeric(block, 124, 12),
    mtime: numeric(block, 136, 12),
    linkname: cString(block, 157, 100),
    devmajor: numeric(block, 329, 8),
    devminor: numeric(block, 337, 8),
  };
  for (const key of ['mode', 'uid', 'gid', 'size', 'mtime'] as const) {
    if (!Number.isFinite(header[key]) || header[key] < 0) {
      throw new TsrunError('INVALID_ARGUMENT', `invalid ${key} field in tar header for "${name}"`);
    }
  }
  if (!Number.isFinite(header.devmajor) || header.devmajor < 0) header.devmajor = 0;
  if (!Number.isFinite(header.devminor) || header.devminor < 0) header.devminor = 0;
  return header;
}

/** Pax records `"<len> <key>=<value>\n"`; keys are UTF-8, values raw bytes. */
export function parsePax(data: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding
    const space = data.indexOf(0x20, pos);
    const len = space === -1 ? Number.NaN : Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new TsrunError('INVALID_ARGUMENT', 'invalid pax extended header in tar');
    }
    const record = data.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq === -1) throw new TsrunError('INVALID_ARGUMENT', 'invalid pax record (no "=") in tar');
    records.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    pos += len;
  }
  return records;
}

const HEADER_ONLY = new Set<TarEntryType>(['link', 'symlink', 'char', 'block', 'directory', 'fifo']);

function entryType(raw: RawHeader, name: string): TarEntryType {
  switch (raw.typeflag) {
    case '0':
    case '7':
      return name.endsWith('/') ? 'directory' : 'file'; // old tars mark dirs with a trailing slash
    case '1': return 'link';
    case '2': return 'symlink';
    case '3': return 'char';
    case '4': return 'block';
    case '5': return 'directory';
    case '6': return 'fifo';
    default:
      throw new TsrunError('INVALID_ARGUMENT', `unsupported tar entry type '${raw.typeflag}' for "${name}"`);
  }
}

function paxNumber(records: Map<string, Buffer>, key: string, name: string): number | undefined {
  const value = records.get(key);
  if (value === undefined) return undefined;
  const n = Number(value.toString('latin1'));
  if (!Number.isFinite(n) || (key !== 'mtime' && key !== 'atime' && (!Number.isSafeInteger(n) || n < 0))) {
    throw new TsrunError('INVALID_ARGUMENT', `invalid pax ${key} for "${name}"`);
  }
  return n;
}

function xattrsFrom(records: Map<string, Buffer>): Map<string, Buffer> {
  const xattrs = new Map<string, Buffer>();
  for (const [key, value] of records) {
    if (key.startsWith('SCHILY.xattr.')) {
      xattrs.set(key.slice('SCHILY.xattr.'.length), value);
    } else if (key.startsWith('LIBARCHIVE.xattr.')) {
      const name = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
      xattrs.set(name, Buffer.from(value.toString('latin1'), 'base64'));
    }
  }
  return xattrs;
}

/** Applies pax records (global then local) and GNU long names to a raw header. */
export function resolveHeader(raw: RawHeader, pax: Map<string, Buffer>, longName?: string, longLink?: string): TarHeader {
  const name = pax.get('path')?.toString('utf8') ?? longName ?? raw.name;
  const type = entryType(raw, name);
  const size = paxNumber(pax, 'size', name) ?? raw.size;
  return {
    name,
    type,
    mode: raw.mode & 0o7777,
    uid: paxNumber(pax, 'uid', name) ?? raw.uid,
    gid: paxNumber(pax, 'gid', name) ?? raw.gid,
    // Header-only types carry no data whatever the size field says (Go's archive/tar rule).
    size: HEADER_ONLY.has(type) ? 0 : size,
    mtime: paxNumber(pax, 'mtime', name) ?? raw.mtime,
    atime: paxNumber(pax, 'atime', name),
    linkname: pax.get('linkpath')?.toString('utf8') ?? longLink ?? raw.linkname,
    devmajor: raw.devmajor,
    devminor: raw.devminor,
    xattrs: xattrsFrom(pax),
  };
}

export function padding(size: number): number {
  const rem = size % BLOCK;
  return rem === 0 ? 0 : BLOCK - rem;
}

// ---------------------------------------------------------------- encoding

const TYPEFLAG: Record<TarEntryType, string> = {
  file: '0', link: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6',
};

/** What the writer knows about an entry; mtime in whole seconds. */
export interface HeaderFields {
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Written as `SCHILY.xattr.<name>` pax records, in the order given. */
  xattrs?: Array<[string, Buffer]>;
}

function isAscii(s: string): boolean {
  return /^[\x01-\x7f]*$/.test(s);
}

/** Splits a name into ustar prefix + name, or null when it does not fit. */
function splitUstarName(name: string): [prefix: string, name: string] | null {
  if (!isAscii(name)) return null;
  if (name.length <= 100) return ['', name];
  for (let i = name.indexOf('/'); i !== -1 && i <= 155; i = name.indexOf('/', i + 1)) {
    const rest = name.slice(i + 1);
    if (rest.length > 0 && rest.length <= 100) return [name.slice(0, i), rest];
  }
  return null;
}

function writeString(block: Buffer, value: string, off: number, len: number): void {
  block.write(value, off, len, 'utf8');
}

function writeOctal(block: Buffer, value: number, off: number, len: number): void {
  block.write(`${value.toString(8).padStart(len - 1, '0')}\0`, off, len, 'latin1');
}

function fitsOctal(value: number, len: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value < 8 ** (len - 1);
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len), 'latin1'), body]);
}

function ustarBlock(f: HeaderFields, name: string, prefix: string, typeflag: string, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, name, 0, 100);
  writeOctal(block, f.mode & 0o7777, 100, 8);
  writeOctal(block, fitsOctal(f.uid, 8) ? f.uid : 0, 108, 8);
  writeOctal(block, fitsOctal(f.gid, 8) ? f.gid : 0, 116, 8);
  writeOctal(block, fitsOctal(size, 12) ? size : 0, 124, 12);
  writeOctal(block, fitsOctal(f.mtime, 12) ? f.mtime : 0, 136, 12);
  block.write(typeflag, 156, 1, 'latin1');
  const link = f.linkname ?? '';
  if (isAscii(link) && link.length <= 100) writeString(block, link, 157, 100);
  USTAR_MAGIC.copy(block, 257);
  writeOctal(block, f.devmajor ?? 0, 329, 8);
  writeOctal(block, f.devminor ?? 0, 337, 8);
  writeString(block, prefix, 345, 155);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

/** The header block(s) for one entry: a pax header first when ustar cannot hold it. */
export function encodeHeader(f: HeaderFields): Buffer {
  const name = f.type === 'directory' && !f.name.endsWith('/') ? `${f.name}/` : f.name;
  const records: Buffer[] = [];
  const split = splitUstarName(name);
  if (split === null) records.push(paxRecord('path', Buffer.from(name, 'utf8')));
  const link = f.linkname ?? '';
  if (!isAscii(link) || link.length > 100) records.push(paxRecord('linkpath', Buffer.from(link, 'utf8')));
  for (const [key, value, len] of [['uid', f.uid, 8], ['gid', f.gid, 8], ['size', f.size, 12], ['mtime', f.mtime, 12]] as const) {
    if (!fitsOctal(value, len)) records.push(paxRecord(key, Buffer.from(String(value), 'latin1')));
  }
  for (const [key, value] of f.xattrs ?? []) records.push(paxRecord(`SCHILY.xattr.${key}`, value));

  const [prefix, short] = split ?? ['', asciiFallback(name)];
  const main = ustarBlock(f, short, prefix, TYPEFLAG[f.type], f.size);
  if (records.length === 0) return main;
  const data = Buffer.concat(records);
  const paxHeader = ustarBlock({ ...f, linkname: '', devmajor: 0, devminor: 0 }, 'PaxHeader', '', 'x', data.length);
  return Buffer.concat([paxHeader, data, Buffer.alloc(padding(data.length)), main]);
}

/** A best-effort ustar name when the real one lives in a pax record. */
function asciiFallback(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').slice(-100);
}

/** Two zero blocks. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
