/**
 * Per-registry TLS files as Docker reads them from certs.d/HOST[:PORT]/:
 * every *.crt is a CA, a *.cert with the *.key of the same name is a client certificate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isErrno, TsrunError } from '../core/errors.js';

export interface TlsFiles {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
}

export function loadHostCerts(certsDir: string, host: string): TlsFiles | undefined {
  const dir = path.join(certsDir, host);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
  const files: TlsFiles = {};
  const ca = names.filter((n) => n.endsWith('.crt')).map((n) => readFileSync(path.join(dir, n)));
  if (ca.length) files.ca = ca;
  const cert = names.find((n) => n.endsWith('.cert'));
  if (cert) {
    const key = cert.replace(/\.cert$/, '.key');
    if (!names.includes(key)) throw new TsrunError('INVALID_ARGUMENT', `missing key ${key} for client certificate ${path.join(dir, cert)}`);
    files.cert = readFileSync(path.join(dir, cert));
    files.key = readFileSync(path.join(dir, key));
  }
  return files.ca || files.cert ? files : undefined;
}
