/** Images for the registry tests, made from the busybox fixture. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dockerSaveArchive, makeTar } from './image-archive.js';
import { busyboxRootfsTar } from './tsrun.js';

export const OS_RELEASE = 'NAME="Ubuntu"\nVERSION="16.04.7 LTS (Xenial Xerus)"\nID=ubuntu\nVERSION_ID="16.04"\n';

/** `ubuntu:16.04` for the headline: busybox plus a layer with /etc/os-release. */
export async function ubuntuArchive(dir: string): Promise<string> {
  const file = path.join(dir, 'ubuntu-16.04.tar');
  const osRelease = await makeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/os-release', content: OS_RELEASE }]);
  writeFileSync(file, await dockerSaveArchive([readFileSync(busyboxRootfsTar()), osRelease], 'ubuntu:16.04', { Cmd: ['sh'] }));
  return file;
}

/** A root filesystem tar with `mb` MiB of random bytes in /data/random (incompressible). */
export async function randomLayerArchive(dir: string, name: string, mb: number): Promise<string> {
  const file = path.join(dir, `${name.replace(/[/:]/g, '_')}.tar`);
  const layer = await makeTar([{ name: 'data/', type: 'directory' }, { name: 'data/random', content: randomBytes(mb * 768 * 1024).toString('base64') }]);
  writeFileSync(file, await dockerSaveArchive([readFileSync(busyboxRootfsTar()), layer], name, { Cmd: ['sh'] }));
  return file;
}

/** `skopeo copy` into a registry over plain HTTP or with creds. */
export function skopeoCopy(from: string, to: string, extra: string[] = []): void {
  execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', ...extra, from, to], { stdio: 'pipe' });
}
