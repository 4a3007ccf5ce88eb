/**
 * zstd layers (application/vnd.oci.image.layer.v1.tar+zstd): Node 20's zlib
 * has no zstd, so the `zstd` program decompresses in a child process. Its
 * output ends only after it exited cleanly, so a corrupt frame is an error
 * and never a short, quietly accepted tar.
 */
import { spawn } from 'node:child_process';
import { Duplex, Readable } from 'node:stream';
import { TsrunError } from '../core/errors.js';

export function zstdDecompressor(): Duplex {
  const child = spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (err) => reject(new TsrunError('INVALID_ARGUMENT', 'cannot decompress a zstd layer: the zstd program is missing', { cause: err, hint: 'apt-get install zstd' })));
    child.on('close', (code) => resolve(code ?? 1));
  });
  exited.catch(() => {}); // reported through the stream
  async function* output(): AsyncGenerator<Buffer> {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exited;
    if (code !== 0) throw new TsrunError('INVALID_ARGUMENT', `layer is not valid zstd: ${stderr.trim() || `zstd exited with ${code}`}`);
  }
  child.stdin.on('error', () => {}); // zstd may stop reading after a bad frame; its exit status tells why
  const duplex = Duplex.from({ writable: child.stdin, readable: Readable.from(output()) });
  duplex.on('close', () => { if (child.exitCode === null) child.kill(); });
  return duplex;
}
