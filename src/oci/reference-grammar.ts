/**
 * The image reference grammar of distribution/reference (regexp.go), built
 * from the same pieces so the regexps stay textually comparable:
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain '/'] remote-name
 *   domain    := host [':' port-number]
 *
 * Go's RE2 and JS agree on these patterns: all ASCII, and captures follow
 * leftmost-first in both.
 */

const alphanumeric = '[a-z0-9]+';
// One period, one or two underscores, or any number of dashes.
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const tag = '[\\w][\\w.-]{0,127}';
// Go writes the hex part as [[:xdigit:]], which JS lacks.
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const identifier = '([a-f0-9]{64})';
// IPv6 between brackets; zone identifiers and IPv4-mapped forms are excluded.
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = host + optionalPort;
const pathComponent = alphanumeric + anyTimes(separator + alphanumeric);
const remoteName = pathComponent + anyTimes('/' + pathComponent);
const namePat = optional(domainAndPort + '/') + remoteName;

/** domain[:port], anchored (Go tests anchor DomainRegexp the same way). */
export const anchoredDomainRegexp = new RegExp(anchored(domainAndPort));

/** Captures [domain, path] of a name without tag or digest. */
export const anchoredNameRegexp = new RegExp(
  anchored(optional(capture(domainAndPort), '/'), capture(remoteName)),
);

/** The whole reference; captures [name, tag, digest]. */
export const referenceRegexp = new RegExp(
  anchored(capture(namePat), optional(':', capture(tag)), optional('@', capture(digestPat))),
);

/** A 64-hex image ID (a sha256 digest without its algorithm). */
export const anchoredIdentifierRegexp = new RegExp(anchored(identifier));

export const anchoredTagRegexp = new RegExp(anchored(tag));

export const anchoredDigestRegexp = new RegExp(anchored(digestPat));

function optional(...res: string[]): string {
  return `(?:${res.join('')})?`;
}

function anyTimes(...res: string[]): string {
  return `(?:${res.join('')})*`;
}

function capture(...res: string[]): string {
  return `(${res.join('')})`;
}

function anchored(...res: string[]): string {
  return `^${res.join('')}$`;
}
