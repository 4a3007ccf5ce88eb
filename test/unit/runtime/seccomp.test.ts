import t from 'tap';
import { DOCKER_DEFAULT_PROFILE } from '../../../src/runtime/seccomp/docker-default.js';
import { goArch, kernelAtLeast, parseSeccompProfile, resolveSeccompProfile } from '../../../src/runtime/seccomp/profile.js';
import { libseccompArch, seccompAction, seccompFilterInput } from '../../../src/runtime/seccomp/filter-input.js';
import { DOCKER_DEFAULT_CAPS } from '../../../src/runtime/capabilities.js';

const resolve = (arch: string, caps = DOCKER_DEFAULT_CAPS, kernel = '6.1.0') =>
  resolveSeccompProfile(DOCKER_DEFAULT_PROFILE, { arch, capabilities: caps, kernel });
const allowed = (p: ReturnType<typeof resolve>, name: string) =>
  (p.syscalls ?? []).filter((s) => s.names.includes(name) && s.action === 'SCMP_ACT_ALLOW');

t.test("Docker's default profile for amd64 with Docker's capabilities", async (t) => {
  const p = resolve('amd64');
  t.equal(p.defaultAction, 'SCMP_ACT_ERRNO');
  t.equal(p.defaultErrnoRet, 1, 'EPERM for everything not listed');
  t.same(p.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  for (const name of ['read', 'execve', 'clone', 'chown', 'socket', 'arch_prctl', 'ptrace']) t.ok(allowed(p, name).length, `${name} is allowed`);
  for (const name of ['mount', 'umount2', 'unshare', 'setns', 'reboot', 'kexec_load', 'keyctl', 'add_key', 'init_module', 'bpf', 'open_by_handle_at', 'swapon']) {
    t.same(allowed(p, name), [], `${name} is not`);
  }
  const clone = allowed(p, 'clone');
  t.same(clone.map((c) => c.args), [[{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]], 'clone only without CLONE_NEW* flags');
  t.same((p.syscalls ?? []).filter((s) => s.names.includes('clone3')).map((s) => [s.action, s.errnoRet]), [['SCMP_ACT_ERRNO', 38]], 'clone3 says ENOSYS so libc falls back');
  t.same(allowed(p, 'socket')[0].args, [{ index: 0, value: 40, valueTwo: 0, op: 'SCMP_CMP_NE' }], 'no AF_VSOCK');
  t.equal(allowed(p, 'personality').length, 5);
  t.same(allowed(p, 'cacheflush'), [], 'arm-only calls stay out');
});

t.test('rules follow capabilities, arch and kernel', async (t) => {
  const admin = resolve('amd64', [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN']);
  t.ok(allowed(admin, 'mount').length, 'CAP_SYS_ADMIN allows mount');
  t.same(allowed(admin, 'clone').map((c) => c.args), [undefined], 'and clone with any flags');
  t.same((admin.syscalls ?? []).filter((s) => s.names.includes('clone3') && s.action !== 'SCMP_ACT_ALLOW'), [], 'and clone3');
  t.ok(allowed(resolve('amd64', [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_BOOT']), 'reboot').length);
  const arm = resolve('arm64');
  t.same(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  t.ok(allowed(arm, 'cacheflush').length);
  t.same(allowed(arm, 'arch_prctl'), []);
  t.same(resolve('s390x').syscalls?.filter((s) => s.names.includes('clone') && s.action === 'SCMP_ACT_ALLOW').map((s) => s.args?.[0].index), [1], 's390 swaps clone\'s arguments');
  t.same(allowed(resolve('amd64', DOCKER_DEFAULT_CAPS, '4.4.0'), 'ptrace'), [], 'no ptrace before 4.8');
  t.same(resolve('sparc').architectures, [], 'an unknown native arch gets no arch list (libseccomp then uses the native one)');
});

t.test('profiles in the old format and bad profiles', async (t) => {
  const old = parseSeccompProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ name: 'mkdir', action: 'SCMP_ACT_ERRNO' }] }));
  const r = resolveSeccompProfile(old, { arch: 'amd64', capabilities: [], kernel: '5.10' });
  t.same(r.architectures, ['SCMP_ARCH_X86_64']);
  t.same(r.syscalls, [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }]);
  t.throws(() => parseSeccompProfile('{'), /decoding seccomp profile failed/);
  t.throws(() => parseSeccompProfile('{}'), /defaultAction/);
  t.throws(() => parseSeccompProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['a'], archMap: [{ architecture: 'b', subArchitectures: null }] })),
    /use either 'architectures' or 'archMap'/);
  t.throws(() => parseSeccompProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ALLOW' }] })),
    /use either 'name' or 'names'/);
});

t.test('libseccomp input: actions, operators, arch names', async (t) => {
  t.equal(seccompAction('SCMP_ACT_ERRNO', undefined), 0x50001, 'ERRNO defaults to EPERM');
  t.equal(seccompAction('SCMP_ACT_ERRNO', 38), 0x50026);
  t.equal(seccompAction('SCMP_ACT_ALLOW', undefined), 0x7fff0000);
  t.equal(seccompAction('SCMP_ACT_KILL_PROCESS', undefined), 0x80000000);
  t.equal(seccompAction('SCMP_ACT_LOG', undefined), 0x7ffc0000);
  t.throws(() => seccompAction('SCMP_ACT_NOTIFY', undefined), /unsupported action/);
  t.equal(libseccompArch('SCMP_ARCH_X86_64'), 'x86_64');
  t.equal(libseccompArch('SCMP_ARCH_AARCH64'), 'aarch64');
  const input = seccompFilterInput(resolve('amd64'));
  t.equal(input.defaultAction, 0x50001);
  t.same(input.architectures, ['x86_64', 'x86', 'x32']);
  const clone = input.syscalls.find((s) => s.name === 'clone')!;
  t.same(clone.args, [{ index: 0, op: 7, value: 0x7e020000n, valueTwo: 0n }], 'MASKED_EQ is operator 7');
  t.ok(input.syscalls.length > 300, 'one entry per name');
});

t.test('kernel versions and Go arch names', async (t) => {
  t.ok(kernelAtLeast('6.1.0-18-amd64', '4.8'));
  t.ok(kernelAtLeast('4.8.0', '4.8'));
  t.notOk(kernelAtLeast('4.4.0-210-generic', '4.8'));
  t.notOk(kernelAtLeast('3.10.0', '3.10.1'));
  t.equal(goArch('x64'), 'amd64');
  t.equal(goArch('arm64'), 'arm64');
  t.equal(goArch('ppc64'), 'ppc64le');
});
