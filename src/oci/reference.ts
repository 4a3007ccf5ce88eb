/**
 * Image references ("alpine:3.20", "localhost:5000/a/b@sha256:…"), ported
 * from distribution/reference so that tsrun accepts, rejects and normalises
 * exactly what Docker does. Go names are given in each doc comment.
 * Error messages are the Go error strings.
 */
import { TsrunError } from '../core/errors.js';
import { matchPath } from '../core/go-path.js';
import { toLower } from '../core/go-strings.js';
import {
  anchoredDigestRegexp,
  anchoredIdentifierRegexp,
  anchoredNameRegexp,
  anchoredTagRegexp,
  referenceRegexp,
} from './reference-grammar.js';

export * from './reference-grammar.js';

/** A reference with a name. `domain` is '' only for raw (unnormalised) names without one. */
export interface NamedReference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** A bare digest, e.g. an image ID given as 64 hex characters. */
export interface DigestReference {
  readonly digest: string;
}

export type AnyReference = NamedReference | DigestReference;

/** Longest repository path (without domain) a registry must accept. */
export const REPOSITORY_NAME_MAX = 255;
export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';

export const ERR_INVALID_FORMAT = 'invalid reference format';
export const ERR_NAME_EMPTY = 'repository name must have at least one component';
export const ERR_NAME_UPPERCASE = 'repository name must be lowercase';
export const ERR_NAME_TOO_LONG = `repository name must not be more than ${REPOSITORY_NAME_MAX} characters`;
export const ERR_NAME_NOT_CANONICAL = 'repository name must be canonical';
export const ERR_TAG_INVALID = 'invalid tag format';
export const ERR_DIGEST_INVALID = 'invalid digest format';
export const ERR_CHECKSUM_FORMAT = 'invalid checksum digest format';
export const ERR_CHECKSUM_LENGTH = 'invalid checksum digest length';
export const ERR_DIGEST_UNSUPPORTED = 'unsupported digest algorithm';

// Algorithms we can verify, with their hex length. Docker also links sha512;
// the content store only verifies sha256, so others are refused up front.
const DIGEST_HEX_LENGTH = new Map([['sha256', 64]]);
// go-digest's DigestRegexpAnchored: decides "unsupported" vs "bad format".
const goDigestRegexp = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function invalid(message: string): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', message);
}

function makeReference(domain: string, path: string, tag?: string, digest?: string): NamedReference {
  return {
    domain,
    path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

export function isNamedReference(ref: AnyReference): ref is NamedReference {
  return 'path' in ref;
}

/** Name(): domain + '/' + path, or just the path. */
export function referenceName(ref: NamedReference): string {
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`;
}

/** String(): name[:tag][@digest], or the bare digest. */
export function formatReference(ref: AnyReference): string {
  if (!isNamedReference(ref)) return ref.digest;
  let out = referenceName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** go-digest Parse: "<algorithm>:<hex>" with a registered algorithm and exact length. */
export function parseDigest(s: string): string {
  const i = s.indexOf(':');
  if (i <= 0 || i + 1 === s.length) throw invalid(ERR_CHECKSUM_FORMAT);
  const length = DIGEST_HEX_LENGTH.get(s.slice(0, i));
  if (length === undefined) {
    throw invalid(goDigestRegexp.test(s) ? ERR_DIGEST_UNSUPPORTED : ERR_CHECKSUM_FORMAT);
  }
  const encoded = s.slice(i + 1);
  if (encoded.length !== length) throw invalid(ERR_CHECKSUM_LENGTH);
  if (!/^[a-f0-9]+$/.test(encoded)) throw invalid(ERR_CHECKSUM_FORMAT);
  return s;
}

/** Parse: grammar only, no docker.io / library/ / :latest defaults. */
export function parseRawReference(s: string): NamedReference {
  if (s === '') throw invalid(ERR_NAME_EMPTY);
  const m = referenceRegexp.exec(s);
  if (m === null) {
    // Say "lowercase" only when lowercasing alone would make it valid.
    const lower = toLower(s);
    if (lower !== s && referenceRegexp.test(lower)) throw invalid(ERR_NAME_UPPERCASE);
    throw invalid(ERR_INVALID_FORMAT);
  }
  const { domain, path } = splitDomain(m[1]);
  if (path.length > REPOSITORY_NAME_MAX) throw invalid(ERR_NAME_TOO_LONG);
  const digest = m[3] ? parseDigest(m[3]) : undefined;
  return makeReference(domain, path, m[2] || undefined, digest);
}

/** splitDomain: the first component is a domain whenever the grammar allows it. */
function splitDomain(name: string): { domain: string; path: string } {
  const m = anchoredNameRegexp.exec(name);
  if (m === null) return { domain: '', path: name };
  return { domain: m[1] ?? '', path: m[2] };
}

/** WithName: a name only (no tag, no digest), not normalised. */
export function withName(name: string): NamedReference {
  const m = anchoredNameRegexp.exec(name);
  if (m === null) throw invalid(ERR_INVALID_FORMAT);
  if (m[2].length > REPOSITORY_NAME_MAX) throw invalid(ERR_NAME_TOO_LONG);
  return makeReference(m[1] ?? '', m[2]);
}

/** WithTag: replaces the tag, keeps any digest. */
export function withTag(ref: NamedReference, tag: string): NamedReference {
  if (!anchoredTagRegexp.test(tag)) throw invalid(ERR_TAG_INVALID);
  return makeReference(ref.domain, ref.path, tag, ref.digest);
}

/** WithDigest: replaces the digest, keeps any tag. Checks the grammar only, not the length. */
export function withDigest(ref: NamedReference, digest: string): NamedReference {
  if (!anchoredDigestRegexp.test(digest)) throw invalid(ERR_DIGEST_INVALID);
  return makeReference(ref.domain, ref.path, ref.tag, digest);
}

/** TrimNamed: drops tag and digest. */
export function trimNamed(ref: NamedReference): NamedReference {
  return makeReference(ref.domain, ref.path);
}

/** IsNameOnly: neither tag nor digest. */
export function isNameOnly(ref: NamedReference): boolean {
  return ref.tag === undefined && ref.digest === undefined;
}

/** TagNameOnly: adds ':latest' to a bare name. */
export function tagNameOnly(ref: NamedReference): NamedReference {
  return isNameOnly(ref) ? withTag(ref, DEFAULT_TAG) : ref;
}

/**
 * ParseNormalizedNamed: what `docker pull` accepts. `ubuntu` becomes
 * docker.io/library/ubuntu, `index.docker.io` becomes docker.io; tag and
 * digest are both kept.
 */
export function parseReference(s: string): NamedReference {
  // 64 hex characters would be ambiguous with an image ID.
  if (anchoredIdentifierRegexp.test(s)) {
    throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (toLower(remote) !== remote) {
    throw invalid(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  return parseRawReference(`${domain}/${remainder}`);
}

/** splitDockerDomain: decides by spelling alone whether the first component is a registry. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_REPO_PREFIX + name };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (first === LEGACY_DEFAULT_DOMAIN) {
    [domain, remainder] = [DEFAULT_DOMAIN, rest];
  } else if (first === 'localhost' || /[.:]/.test(first) || toLower(first) !== first) {
    // Namespaces are lowercase, so an uppercase first component is a host.
    [domain, remainder] = [first, rest];
  } else {
    [domain, remainder] = [DEFAULT_DOMAIN, name];
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/** ParseNamed: like parseReference, but the input must already be the full form. */
export function parseCanonicalReference(s: string): NamedReference {
  const ref = parseReference(s);
  if (formatReference(ref) !== s) throw invalid(ERR_NAME_NOT_CANONICAL);
  return ref;
}

/** ParseDockerRef: normalised, ':latest' added to bare names, and the tag dropped when a digest pins it. */
export function parseDockerReference(s: string): NamedReference {
  const ref = parseReference(s);
  if (ref.tag !== undefined && ref.digest !== undefined) {
    return withDigest(withName(referenceName(ref)), ref.digest);
  }
  return tagNameOnly(ref);
}

/** The pull form: `ubuntu` -> `docker.io/library/ubuntu:latest`. */
export function normalizeReference(s: string): string {
  return formatReference(parseDockerReference(s));
}

/** ParseAnyReference: an image ID or `sha256:<hex>` gives a digest reference, anything else a name. */
export function parseAnyReference(s: string): AnyReference {
  if (anchoredIdentifierRegexp.test(s)) return { digest: `sha256:${s}` };
  if (isValidDigest(s)) return { digest: s };
  return parseReference(s);
}

function isValidDigest(s: string): boolean {
  try {
    parseDigest(s);
    return true;
  } catch (err) {
    if (err instanceof TsrunError && err.code === 'INVALID_ARGUMENT') return false;
    throw err;
  }
}

/** familiarizeName: docker.io and a single-level library/ are hidden. */
function familiarize(ref: NamedReference): NamedReference {
  if (ref.domain !== DEFAULT_DOMAIN) return ref;
  let path = ref.path;
  if (path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) path = rest;
  }
  return makeReference('', path, ref.tag, ref.digest);
}

/** FamiliarName: the name as `docker images` shows it (docker.io/library/ubuntu -> ubuntu). */
export function familiarName(ref: NamedReference): string {
  return referenceName(familiarize(ref));
}

/** FamiliarString: familiar name plus tag and digest. */
export function familiarString(ref: AnyReference): string {
  return isNamedReference(ref) ? formatReference(familiarize(ref)) : ref.digest;
}

/**
 * FamiliarMatch: Go path.Match of `pattern` against the familiar string,
 * then against the familiar name alone. Throws 'syntax error in pattern'.
 */
export function familiarMatch(pattern: string, ref: AnyReference): boolean {
  // A malformed pattern throws here; Go would then also fail the second try.
  if (matchPath(pattern, familiarString(ref))) return true;
  return isNamedReference(ref) && matchPath(pattern, familiarName(ref));
}
