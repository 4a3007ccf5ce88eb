/** Platforms (`linux/arm64/v8`) and picking one manifest from an index, as containerd's platforms package does. */
import { TsrunError } from '../core/errors.js';
import type { Descriptor, Platform } from './image.js';

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' };

/** `os/arch[/variant]` (os may be omitted: `arm64`) -> a normalised Platform. */
export function parsePlatform(s: string): Platform {
  const parts = s.trim().toLowerCase().split('/');
  if (parts.some((p) => !/^[a-z0-9_.-]+$/.test(p)) || parts.length > 3) {
    throw new TsrunError('INVALID_ARGUMENT', `invalid platform "${s}": expected os/arch[/variant]`);
  }
  if (parts.length === 1) return normalizePlatform({ os: 'linux', architecture: parts[0] });
  return normalizePlatform({ os: parts[0], architecture: parts[1], ...(parts[2] ? { variant: parts[2] } : {}) });
}

export function normalizePlatform(p: Platform): Platform {
  const architecture = ARCH_ALIASES[p.architecture] ?? p.architecture;
  let variant = p.variant || undefined;
  if (architecture === 'arm64' && (variant === undefined || variant === '8')) variant = 'v8';
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  if (architecture === 'arm' && variant && /^\d$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return { os: p.os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * How well `candidate` suits `wanted`: 0 = exact, higher = a compatible lower
 * arm variant (v7 runs v6 and v5), undefined = cannot run.
 */
export function platformRank(wanted: Platform, candidate: Platform): number | undefined {
  const w = normalizePlatform(wanted);
  const c = normalizePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return undefined;
  if (w.variant === c.variant) return 0;
  if (w.architecture === 'arm' && w.variant && c.variant) {
    const wv = Number(w.variant.slice(1));
    const cv = Number(c.variant.slice(1));
    if (cv < wv) return wv - cv;
  }
  return undefined;
}

/** The best manifest of an index for the platform; Docker's error text when none fits. */
export function selectManifest(manifests: Descriptor[], wanted: Platform): Descriptor {
  let best: { d: Descriptor; rank: number } | undefined;
  for (const d of manifests) {
    if (!d.platform) continue;
    const rank = platformRank(wanted, d.platform);
    if (rank !== undefined && (!best || rank < best.rank)) best = { d, rank };
  }
  if (!best) {
    throw new TsrunError('NOT_FOUND', `no matching manifest for ${formatPlatform(normalizePlatform(wanted))} in the manifest list entries`);
  }
  return best.d;
}
