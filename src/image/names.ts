import { normalizeReference } from '../oci/reference.js';

/** `docker.io/library/busybox:latest` -> { repository: 'busybox', tag: 'latest' } as `images` shows it. */
export function displayName(fullName: string): { repository: string; tag: string } {
  let name = fullName;
  let digestPart = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    digestPart = name.slice(at + 1);
    name = name.slice(0, at);
  }
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  let tag = '<none>';
  if (colon > slash) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  } else if (digestPart) {
    tag = '<none>';
  }
  return { repository: familiarRepository(name), tag };
}

export function familiarRepository(name: string): string {
  if (name.startsWith('docker.io/library/') && name.split('/').length === 3) return name.slice('docker.io/library/'.length);
  if (name.startsWith('docker.io/')) return name.slice('docker.io/'.length);
  return name;
}

/** `busybox` -> `docker.io/library/busybox:latest`: the key images are stored under. */
export function storedName(ref: string): string {
  return normalizeReference(ref);
}

/** The familiar form of a stored name: `busybox:latest`. */
export function familiarName(fullName: string): string {
  const { repository, tag } = displayName(fullName);
  const at = fullName.indexOf('@');
  if (at >= 0) return `${repository}@${fullName.slice(at + 1)}`; // a repo digest
  return tag === '<none>' ? repository : `${repository}:${tag}`;
}
