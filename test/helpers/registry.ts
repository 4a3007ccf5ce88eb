/**
 * Debian's docker-registry (CNCF distribution) on 127.0.0.1 for integration
 * tests: plain HTTP, TLS with a CA made here, htpasswd Basic auth, or token
 * auth. Storage in a temp dir the test can reach into (to corrupt a blob).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface RegistryOptions {
  tls?: { cert: string; key: string };
  htpasswd?: string;
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** Reuse a port (restart after a kill). */
  port?: number;
  storage?: string;
}

export interface Registry {
  host: string;
  port: number;
  storage: string;
  /** Path of a blob's data in the registry's storage. */
  blobPath(digest: string): string;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function tmpDir(t: Test, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function configYaml(port: number, storage: string, o: RegistryOptions): string {
  const lines = [
    'version: 0.1',
    'log:', '  level: error', '  accesslog:', '    disabled: true',
    'storage:', '  filesystem:', `    rootdirectory: ${storage}`, '  delete:', '    enabled: true',
    '  maintenance:', '    uploadpurging:', '      enabled: false',
    'http:', `  addr: 127.0.0.1:${port}`, '  secret: tsrun-test-secret',
  ];
  if (o.tls) lines.push('  tls:', `    certificate: ${o.tls.cert}`, `    key: ${o.tls.key}`);
  if (o.htpasswd) lines.push('auth:', '  htpasswd:', '    realm: tsrun-test', `    path: ${o.htpasswd}`);
  if (o.token) {
    lines.push('auth:', '  token:', `    realm: ${o.token.realm}`, `    service: ${o.token.service}`,
      `    issuer: ${o.token.issuer}`, `    rootcertbundle: ${o.token.rootCertBundle}`);
  }
  return lines.join('\n') + '\n';
}

async function waitListening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not listen on ${port}: ${log()}`);
}

/** Starts a registry; it is killed when the test ends. */
export async function startRegistry(t: Test, o: RegistryOptions = {}): Promise<Registry> {
  const dir = tmpDir(t, 'tsrun-registry-');
  const storage = o.storage ?? path.join(dir, 'data');
  mkdirSync(storage, { recursive: true });
  const port = o.port ?? (await freePort());
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, configYaml(port, storage, o));
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    child = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    await waitListening(port, child, () => output);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => { c.once('exit', () => resolve()); c.kill('SIGKILL'); });
  };
  await start();
  t.teardown(kill);
  return {
    host: `127.0.0.1:${port}`,
    port,
    storage,
    blobPath: (digest) => {
      const hex = digest.slice('sha256:'.length);
      return path.join(storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    },
    kill,
    restart: async () => { await kill(); await start(); },
  };
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it (openssl). */
export function makeTlsFiles(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=tsrun test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', f('san.ext'));
  return { ca: f('ca.crt'), cert: f('server.crt'), key: f('server.key') };
}

/** An htpasswd file (bcrypt, as distribution requires) with one user. */
export function makeHtpasswd(dir: string, user: string, password: string): string {
  const file = path.join(dir, 'htpasswd');
  writeFileSync(file, execFileSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' }));
  return file;
}
