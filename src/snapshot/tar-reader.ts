/**
 * A streaming tar reader: pulls chunks from an async iterator, yields one
 * entry at a time, and never holds more than one chunk of file data.
 */
import { TsrunError } from '../core/errors.js';
import { BLOCK, decodeHeader, padding, parsePax, resolveHeader, type TarHeader } from './tar-format.js';

/** Pax headers and GNU long names larger than this are refused (memory bound). */
const MAX_META_SIZE = 16 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

function truncated(): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', 'unexpected end of tar archive (truncated layer?)');
}

/** Byte-level reads over a chunk iterator; `onChunk` sees every byte exactly once, in order. */
export class ByteReader {
  private chunk: Buffer = EMPTY;
  private ended = false;

  constructor(
    private readonly source: AsyncIterator<Buffer | Uint8Array>,
    private readonly onChunk?: (chunk: Buffer) => void,
  ) {}

  /** False at end of input. */
  private async fill(): Promise<boolean> {
    while (this.chunk.length === 0) {
      if (this.ended) return false;
      const next = await this.source.next();
      if (next.done === true) {
        this.ended = true;
        return false;
      }
      const buf = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      this.onChunk?.(buf);
      this.chunk = buf;
    }
    return true;
  }

  /** Exactly n bytes; null when the input ends before the first byte; throws on a short read. */
  async readExact(n: number): Promise<Buffer | null> {
    if (!(await this.fill())) return null;
    if (this.chunk.length >= n) return this.take(n);
    const parts: Buffer[] = [];
    let missing = n;
    while (missing > 0) {
      if (!(await this.fill())) throw truncated();
      const part = this.take(Math.min(missing, this.chunk.length));
      parts.push(part);
      missing -= part.length;
    }
    return Buffer.concat(parts, n);
  }

  /** Between 1 and max bytes (as they arrive); throws at end of input. */
  async readSome(max: number): Promise<Buffer> {
    if (!(await this.fill())) throw truncated();
    return this.take(Math.min(max, this.chunk.length));
  }

  async skip(n: number): Promise<void> {
    while (n > 0) n -= (await this.readSome(n)).length;
  }

  /** Reads (and so hands to onChunk) everything left. */
  async drain(): Promise<void> {
    this.chunk = EMPTY;
    while (await this.fill()) this.chunk = EMPTY;
  }

  private take(n: number): Buffer {
    const out = this.chunk.subarray(0, n);
    this.chunk = this.chunk.subarray(n);
    return out;
  }
}

export interface TarEntry {
  header: TarHeader;
  /**
   * The entry's data, streamed; read it before asking for the next entry
   * (whatever is left unread is skipped).
   */
  body(): AsyncGenerator<Buffer>;
}

async function readMeta(reader: ByteReader, size: number): Promise<Buffer> {
  if (size > MAX_META_SIZE) throw new TsrunError('INVALID_ARGUMENT', `tar extended header too large (${size} bytes)`);
  const data = size === 0 ? EMPTY : await reader.readExact(size);
  if (data === null) throw truncated();
  await reader.skip(padding(size));
  return data;
}

function nulTerminated(data: Buffer): string {
  const end = data.indexOf(0);
  return (end === -1 ? data : data.subarray(0, end)).toString('utf8');
}

/** Yields the entries of a tar archive; returns at the end-of-archive marker (or end of input). */
export async function* readTar(reader: ByteReader): AsyncGenerator<TarEntry> {
  let globalPax = new Map<string, Buffer>();
  let pax: Map<string, Buffer> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await reader.readExact(BLOCK);
    if (block === null) return;
    const raw = decodeHeader(block);
    if (raw === null) return;
    switch (raw.typeflag) {
      case 'x':
        pax = parsePax(await readMeta(reader, raw.size));
        continue;
      case 'g':
        globalPax = new Map([...globalPax, ...parsePax(await readMeta(reader, raw.size))]);
        continue;
      case 'L':
        longName = nulTerminated(await readMeta(reader, raw.size));
        continue;
      case 'K':
        longLink = nulTerminated(await readMeta(reader, raw.size));
        continue;
    }
    const records = pax === undefined ? globalPax : new Map([...globalPax, ...pax]);
    const header = resolveHeader(raw, records, longName, longLink);
    pax = longName = longLink = undefined;

    let remaining = header.size;
    const body = async function* (): AsyncGenerator<Buffer> {
      while (remaining > 0) {
        const chunk = await reader.readSome(remaining);
        remaining -= chunk.length;
        yield chunk;
      }
    };
    yield { header, body };
    await reader.skip(remaining + padding(header.size));
  }
}
