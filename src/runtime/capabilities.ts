import { TsrunError } from '../core/errors.js';
/** Capability names (linux/capability.h order) and masks. */
export const CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** Docker's default set (moby oci/caps/defaults.go). */
export const DOCKER_DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Normalises `net_admin`, `NET_ADMIN` and `CAP_NET_ADMIN` to `CAP_NET_ADMIN`; undefined when unknown. */
export function capabilityName(name: string): string | undefined {
  const upper = name.toUpperCase();
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  return (CAPABILITIES as readonly string[]).includes(full) ? full : undefined;
}

export function capabilityMask(names: readonly string[] = []): bigint {
  let mask = 0n;
  for (const name of names) {
    const i = (CAPABILITIES as readonly string[]).indexOf(name);
    if (i >= 0) mask |= 1n << BigInt(i);
  }
  return mask;
}

/** The capability bounding set this process has (what `--privileged` can grant). */
export function ownBoundingSet(statusText: string): string[] {
  const line = statusText.split('\n').find((l) => l.startsWith('CapBnd:'));
  if (!line) return [...CAPABILITIES];
  const mask = BigInt('0x' + line.split(/\s+/)[1]);
  return CAPABILITIES.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

/** `--cap-add`/`--cap-drop` words -> CAP_ names; "ALL" stays; unknown ones are Docker's error. */
export function normalizeCapabilities(names: readonly string[], field: 'CapAdd' | 'CapDrop'): string[] {
  return names.map((n) => {
    const upper = n.toUpperCase();
    if (upper === 'ALL') return 'ALL';
    const full = capabilityName(n);
    if (!full) throw new TsrunError('INVALID_ARGUMENT', `invalid ${field}: unknown capability: "${upper.startsWith('CAP_') ? upper : `CAP_${upper}`}"`);
    return full;
  });
}

/**
 * Docker's TweakCapabilities: --privileged is every capability; "ALL" in
 * --cap-add is everything but the drops; "ALL" in --cap-drop keeps only the
 * adds; else the base set minus the drops plus the adds.
 */
export function tweakCapabilities(base: readonly string[], add: readonly string[], drop: readonly string[], privileged: boolean): string[] {
  if (privileged) return [...CAPABILITIES];
  const adds = normalizeCapabilities(add, 'CapAdd');
  const drops = normalizeCapabilities(drop, 'CapDrop');
  let caps: string[];
  if (adds.includes('ALL')) caps = CAPABILITIES.filter((c) => !drops.includes(c));
  else if (drops.includes('ALL')) caps = adds;
  else caps = [...base.filter((c) => !drops.includes(c)), ...adds];
  return [...new Set(caps)].filter((c) => c !== 'ALL');
}
