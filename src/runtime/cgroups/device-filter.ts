/**
 * The cgroup v2 device filter: an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE)
 * built from device rules, the same decision the v1 devices controller makes.
 * The kernel calls it with struct bpf_cgroup_dev_ctx { u32 access_type
 * (type | access << 16); u32 major; u32 minor } in r1; it returns 1 to allow.
 * Rules are matched last to first, the first match decides; a leading rule
 * for every device (type a, no numbers) is the default.
 */
import type { LinuxDeviceCgroup } from '../../oci/runtime-spec.js';

const DEV_BLOCK = 1, DEV_CHAR = 2;
const ACC_MKNOD = 1, ACC_READ = 2, ACC_WRITE = 4;

// opcodes (linux/bpf_common.h, linux/bpf.h)
const LDX_MEM_W = 0x61, ALU32_AND_K = 0x54, ALU32_RSH_K = 0x74, ALU32_MOV_K = 0xb4, ALU32_MOV_X = 0xbc;
const JNE_K = 0x55, JNE_X = 0x5d, EXIT = 0x95;

interface Insn { code: number; dst: number; src: number; off: number; imm: number }
const insn = (code: number, dst: number, src = 0, off = 0, imm = 0): Insn => ({ code, dst, src, off, imm });

function accessBits(access = 'rwm'): number {
  let bits = 0;
  for (const c of access) bits |= c === 'r' ? ACC_READ : c === 'w' ? ACC_WRITE : c === 'm' ? ACC_MKNOD : 0;
  return bits;
}

const isBlanket = (r: LinuxDeviceCgroup) => (r.type ?? 'a') === 'a' && r.major === undefined && r.minor === undefined;

/** One rule: jumps to the next block (placeholder -1) unless it matches, then returns its verdict. */
function ruleBlock(r: LinuxDeviceCgroup): Insn[] {
  const out: Insn[] = [];
  const type = r.type ?? 'a';
  if (type !== 'a') out.push(insn(JNE_K, 2, 0, -1, type === 'b' ? DEV_BLOCK : DEV_CHAR));
  const bits = accessBits(r.access);
  if (bits !== (ACC_READ | ACC_WRITE | ACC_MKNOD)) {
    // every requested access bit must be in the rule's: (access & bits) == access
    out.push(insn(ALU32_MOV_X, 1, 3), insn(ALU32_AND_K, 1, 0, 0, bits), insn(JNE_X, 1, 3, -1));
  }
  if (r.major !== undefined && r.major >= 0) out.push(insn(JNE_K, 4, 0, -1, r.major));
  if (r.minor !== undefined && r.minor >= 0) out.push(insn(JNE_K, 5, 0, -1, r.minor));
  out.push(insn(ALU32_MOV_K, 0, 0, 0, r.allow ? 1 : 0), insn(EXIT, 0));
  // a jump to "next" skips the rest of this block
  return out.map((x, i) => (x.off === -1 ? { ...x, off: out.length - i - 1 } : x));
}

export function deviceFilterProgram(rules: readonly LinuxDeviceCgroup[]): Buffer {
  let defaultAllow = false;
  let rest = [...rules];
  if (rest.length > 0 && isBlanket(rest[0])) {
    defaultAllow = rest[0].allow;
    rest = rest.slice(1);
  }
  const program: Insn[] = [
    insn(LDX_MEM_W, 2, 1, 0), insn(ALU32_AND_K, 2, 0, 0, 0xffff), // r2 = type
    insn(LDX_MEM_W, 3, 1, 0), insn(ALU32_RSH_K, 3, 0, 0, 16), // r3 = access
    insn(LDX_MEM_W, 4, 1, 4), // r4 = major
    insn(LDX_MEM_W, 5, 1, 8), // r5 = minor
  ];
  for (const r of [...rest].reverse()) program.push(...ruleBlock(r));
  program.push(insn(ALU32_MOV_K, 0, 0, 0, defaultAllow ? 1 : 0), insn(EXIT, 0));
  const buf = Buffer.alloc(program.length * 8);
  program.forEach((x, i) => {
    buf.writeUInt8(x.code, i * 8);
    buf.writeUInt8((x.src << 4) | x.dst, i * 8 + 1);
    buf.writeInt16LE(x.off, i * 8 + 2);
    buf.writeInt32LE(x.imm | 0, i * 8 + 4);
  });
  return buf;
}

/** True when the rules allow every device anyway (--privileged): no filter needed. */
export function allowsEverything(rules: readonly LinuxDeviceCgroup[]): boolean {
  const last = rules.at(-1);
  return last !== undefined && isBlanket(last) && last.allow && accessBits(last.access) === 7;
}
