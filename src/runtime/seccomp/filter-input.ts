/**
 * OCI linux.seccomp -> what libseccomp takes (native/seccomp.c): action and
 * operator numbers, libseccomp's arch names, one entry per syscall name.
 */
import { TsrunError } from '../../core/errors.js';
import type { LinuxSeccomp } from '../../oci/runtime-spec.js';
import type { SeccompFilterInput } from '../../sys/index.js';

const EPERM = 1;

/** SCMP_ACT_* (include/seccomp.h); ERRNO and TRACE carry a 16-bit value. */
export function seccompAction(action: string, errnoRet: number | undefined): number {
  switch (action) {
    case 'SCMP_ACT_KILL': case 'SCMP_ACT_KILL_THREAD': return 0;
    case 'SCMP_ACT_KILL_PROCESS': return 0x80000000;
    case 'SCMP_ACT_TRAP': return 0x00030000;
    case 'SCMP_ACT_ERRNO': return (0x00050000 | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case 'SCMP_ACT_TRACE': return (0x7ff00000 | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case 'SCMP_ACT_LOG': return 0x7ffc0000;
    case 'SCMP_ACT_ALLOW': return 0x7fff0000;
    default: throw new TsrunError('INVALID_ARGUMENT', `seccomp: unsupported action "${action}"`);
  }
}

const OPERATORS: Record<string, number> = {
  SCMP_CMP_NE: 1, SCMP_CMP_LT: 2, SCMP_CMP_LE: 3, SCMP_CMP_EQ: 4, SCMP_CMP_GE: 5, SCMP_CMP_GT: 6, SCMP_CMP_MASKED_EQ: 7,
};

/** SCMP_ARCH_X86_64 -> x86_64 (seccomp_arch_resolve_name's names). */
export function libseccompArch(arch: string): string {
  const name = arch.replace(/^SCMP_ARCH_/, '').toLowerCase();
  if (!/^[a-z0-9_]+$/.test(name)) throw new TsrunError('INVALID_ARGUMENT', `seccomp: unknown architecture "${arch}"`);
  return name;
}

export function seccompFilterInput(s: LinuxSeccomp): SeccompFilterInput {
  const syscalls: SeccompFilterInput['syscalls'] = [];
  for (const rule of s.syscalls ?? []) {
    const action = seccompAction(rule.action, rule.errnoRet);
    const args = (rule.args ?? []).map((a) => {
      const op = OPERATORS[a.op];
      if (op === undefined) throw new TsrunError('INVALID_ARGUMENT', `seccomp: unknown operator "${a.op}"`);
      return { index: a.index, op, value: BigInt(a.value), valueTwo: BigInt(a.valueTwo ?? 0) };
    });
    for (const name of rule.names) syscalls.push({ name, action, args });
  }
  return {
    defaultAction: seccompAction(s.defaultAction, s.defaultErrnoRet),
    architectures: (s.architectures ?? []).map(libseccompArch),
    syscalls,
  };
}
