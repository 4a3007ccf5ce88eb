/**
 * Docker's client config.json ("auths" with base64 user:password, plus
 * credsStore/credHelpers), so an existing `docker login` works as is and
 * `tsrun login` writes what docker reads. Other keys are kept untouched.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { isErrno, TsrunError } from '../core/errors.js';
import { helperErase, helperGet, helperStore } from './credential-helper.js';

export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

export interface ClientConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export interface StoredCredentials {
  username?: string;
  password?: string;
  identityToken?: string;
}

/** Docker's ConvertToHostname: `https://index.docker.io/v1/` -> `index.docker.io`. */
export function authHostname(key: string): string {
  return key.replace(/^https?:\/\//, '').split('/')[0]!;
}

export function decodeAuth(entry: AuthEntry): StoredCredentials {
  const out: StoredCredentials = {};
  if (entry.auth) {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) throw new TsrunError('INVALID_ARGUMENT', 'invalid auth configuration file: auth has no colon');
    out.username = text.slice(0, colon);
    out.password = text.slice(colon + 1);
  } else if (entry.username !== undefined) {
    out.username = entry.username;
    out.password = entry.password ?? '';
  }
  if (entry.identitytoken) out.identityToken = entry.identitytoken;
  return out;
}

export class ClientConfig {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'config.json');
  }

  async read(): Promise<ClientConfigFile> {
    try {
      return JSON.parse(await fs.readFile(this.file, 'utf8')) as ClientConfigFile;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return {};
      if (err instanceof SyntaxError) throw new TsrunError('INVALID_ARGUMENT', `${this.file}: invalid JSON: ${err.message}`, { cause: err });
      throw err;
    }
  }

  private async write(config: ClientConfigFile): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify(config, null, '\t') + '\n', 0o600);
  }

  /** The helper that owns this server's credentials, if any. */
  private helperFor(config: ClientConfigFile, key: string): string | undefined {
    const host = authHostname(key);
    const helpers = config.credHelpers ?? {};
    return helpers[key] ?? helpers[host] ?? config.credsStore ?? undefined;
  }

  private findEntry(config: ClientConfigFile, key: string): [string, AuthEntry] | undefined {
    const auths = config.auths ?? {};
    if (auths[key]) return [key, auths[key]!];
    const host = authHostname(key);
    return Object.entries(auths).find(([k]) => authHostname(k) === host);
  }

  async get(key: string): Promise<StoredCredentials | undefined> {
    const config = await this.read();
    const helper = this.helperFor(config, key);
    if (helper) {
      const c = await helperGet(helper, key);
      if (!c) return undefined;
      return c.username === '<token>' ? { identityToken: c.secret } : { username: c.username, password: c.secret };
    }
    const entry = this.findEntry(config, key);
    if (!entry) return undefined;
    const creds = decodeAuth(entry[1]);
    return creds.username !== undefined || creds.identityToken ? creds : undefined;
  }

  async store(key: string, username: string, password: string): Promise<void> {
    const config = await this.read();
    const helper = this.helperFor(config, key);
    if (helper) {
      await helperStore(helper, key, { username, secret: password });
      config.auths = { ...config.auths, [key]: {} };
    } else {
      config.auths = { ...config.auths, [key]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
    }
    await this.write(config);
  }

  /** Removes the credentials; false when there were none. */
  async erase(key: string): Promise<boolean> {
    const config = await this.read();
    const entry = this.findEntry(config, key);
    const helper = this.helperFor(config, key);
    if (!entry && !helper) return false;
    if (helper) await helperErase(helper, key);
    if (entry) {
      const auths = { ...config.auths };
      delete auths[entry[0]];
      config.auths = auths;
      await this.write(config);
    }
    return entry !== undefined || helper !== undefined;
  }
}
