/**
 * Docker's seccomp profile format (`--security-opt seccomp=FILE`) resolved for
 * one container, as moby's setupSeccomp does: the native arch and its
 * sub-arches from archMap, and the rules whose includes/excludes match the
 * arch, the container's bounding capabilities and the kernel. The result is
 * OCI's linux.seccomp (what crun and runc take too).
 */
import { TsrunError } from '../../core/errors.js';
import type { LinuxSeccomp, LinuxSyscall } from '../../oci/runtime-spec.js';

export interface DockerSeccompFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface DockerSyscallRule {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: Array<{ index: number; value: number; valueTwo?: number; op: string }> | null;
  comment?: string;
  includes?: DockerSeccompFilter;
  excludes?: DockerSeccompFilter;
}

export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  /** The old form: the list of arches itself. */
  architectures?: string[];
  archMap?: Array<{ architecture: string; subArchitectures: string[] | null }>;
  syscalls?: DockerSyscallRule[];
  flags?: string[];
}

export interface SeccompContext {
  /** Go's name of the native arch (amd64, arm64 ...): what Docker's rules match. */
  arch: string;
  /** The container's bounding set. */
  capabilities: readonly string[];
  /** os.release(), e.g. "6.1.0-18-amd64". */
  kernel: string;
}

/** Node's process.arch -> Go's GOARCH. */
export function goArch(nodeArch: string): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le', mips64el: 'mips64le' };
  return map[nodeArch] ?? nodeArch;
}

const NATIVE: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64', '386': 'SCMP_ARCH_X86', arm64: 'SCMP_ARCH_AARCH64', arm: 'SCMP_ARCH_ARM',
  s390x: 'SCMP_ARCH_S390X', ppc64le: 'SCMP_ARCH_PPC64LE', riscv64: 'SCMP_ARCH_RISCV64', mips64le: 'SCMP_ARCH_MIPSEL64',
  mips64: 'SCMP_ARCH_MIPS64', loong64: 'SCMP_ARCH_LOONGARCH64',
};

/** The profile file's text -> a checked profile (Docker's messages). */
export function parseSeccompProfile(text: string): DockerSeccompProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', `decoding seccomp profile failed: ${(err as Error).message}`, { cause: err });
  }
  const p = raw as DockerSeccompProfile;
  if (typeof p !== 'object' || p === null || typeof p.defaultAction !== 'string') {
    throw new TsrunError('INVALID_ARGUMENT', 'decoding seccomp profile failed: "defaultAction" is missing');
  }
  if (p.architectures?.length && p.archMap?.length) {
    throw new TsrunError('INVALID_ARGUMENT', "'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  for (const rule of p.syscalls ?? []) {
    if (rule.name && rule.names?.length) {
      throw new TsrunError('INVALID_ARGUMENT', "'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'");
    }
  }
  return p;
}

/** "6.1.0-18-amd64" >= "4.8"? */
export function kernelAtLeast(release: string, wanted: string): boolean {
  const have = release.split(/[^0-9.]/)[0].split('.').map(Number);
  const want = wanted.split('.').map(Number);
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const a = have[i] ?? 0, b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

function applies(rule: DockerSyscallRule, ctx: SeccompContext): boolean {
  const { excludes: ex, includes: inc } = rule;
  if (ex?.arches?.includes(ctx.arch)) return false;
  if (ex?.caps?.some((c) => ctx.capabilities.includes(c))) return false;
  if (ex?.minKernel && kernelAtLeast(ctx.kernel, ex.minKernel)) return false;
  if (inc?.arches?.length && !inc.arches.includes(ctx.arch)) return false;
  if (inc?.caps?.some((c) => !ctx.capabilities.includes(c))) return false;
  if (inc?.minKernel && !kernelAtLeast(ctx.kernel, inc.minKernel)) return false;
  return true;
}

function architectures(p: DockerSeccompProfile, arch: string): string[] {
  if (p.architectures?.length) return p.architectures;
  const native = NATIVE[arch];
  const entry = p.archMap?.find((a) => a.architecture === native);
  return entry ? [entry.architecture, ...(entry.subArchitectures ?? [])] : [];
}

export function resolveSeccompProfile(p: DockerSeccompProfile, ctx: SeccompContext): LinuxSeccomp {
  const syscalls: LinuxSyscall[] = (p.syscalls ?? []).filter((r) => applies(r, ctx)).map((r) => ({
    names: r.names?.length ? r.names : r.name ? [r.name] : [],
    action: r.action,
    ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}),
    ...(r.args?.length ? { args: r.args.map((a) => ({ index: a.index, value: a.value, valueTwo: a.valueTwo ?? 0, op: a.op })) } : {}),
  }));
  return {
    defaultAction: p.defaultAction,
    ...(p.defaultErrnoRet !== undefined ? { defaultErrnoRet: p.defaultErrnoRet } : {}),
    architectures: architectures(p, ctx.arch),
    ...(p.flags?.length ? { flags: p.flags } : {}),
    syscalls,
  };
}
