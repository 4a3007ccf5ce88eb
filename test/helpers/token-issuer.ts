/**
 * A small token server for distribution's `auth: token` (the Docker Hub
 * flow): GET /token?service=&scope= with optional Basic credentials answers
 * a JWT (RS256, certificate in x5c) granting what the account may do.
 * Anonymous callers may pull; the one user may pull and push.
 */
import { createSign, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Test } from 'tap';

export interface TokenRequest {
  account?: string;
  scopes: string[];
  authorized: boolean;
}

export interface TokenIssuer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  requests: TokenRequest[];
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export async function startTokenIssuer(t: Test, dir: string, user: string, password: string): Promise<TokenIssuer> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=tsrun token issuer'], { stdio: 'pipe' });
  const key = readFileSync(keyFile);
  const certDer = Buffer.from(readFileSync(certFile, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const service = 'tsrun-test-registry';
  const issuer = 'tsrun-test-issuer';
  const requests: TokenRequest[] = [];

  const sign = (claims: object) => {
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] }));
    const body = b64url(JSON.stringify(claims));
    const signature = createSign('RSA-SHA256').update(`${header}.${body}`).sign(key);
    return `${header}.${body}.${b64url(signature)}`;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    let account: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (u !== user || p.join(':') !== password) {
        requests.push({ account: u, scopes, authorized: false });
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] }));
        return;
      }
      account = u;
    }
    requests.push({ ...(account ? { account } : {}), scopes, authorized: true });
    const access = scopes.map((s) => {
      const [type, name, actions] = s.split(':');
      const wanted = (actions ?? '').split(',');
      return { type, name, actions: wanted.filter((a) => a === 'pull' || (a === 'push' && account !== undefined)) };
    });
    const now = Math.floor(Date.now() / 1000);
    const token = sign({ iss: issuer, sub: account ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  return { realm: `http://127.0.0.1:${port}/token`, service, issuer, certFile, requests };
}
