import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isolationHostConfig, parseDeviceFlag, ramInBytes } from '../../../src/container/isolation-options.js';
import { resourcesOf } from '../../../src/container/isolation.js';
import type { ContainerRecord } from '../../../src/container/store.js';

t.test('sizes in go-units RAMInBytes form', async (t) => {
  t.equal(ramInBytes('64m', '-m'), 64 * 1024 * 1024);
  t.equal(ramInBytes('1.5g', '-m'), 1.5 * 1024 ** 3);
  t.equal(ramInBytes('512KB', '-m'), 512 * 1024);
  t.equal(ramInBytes('100', '-m'), 100);
  t.throws(() => ramInBytes('lots', '-m, --memory'), /invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'/);
});

t.test("--device as Docker's parseDevice reads it", async (t) => {
  t.same(parseDeviceFlag('/dev/sda'), { PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' });
  t.same(parseDeviceFlag('/dev/sda:/dev/xvda'), { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'rwm' });
  t.same(parseDeviceFlag('/dev/sda:r'), { PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'r' });
  t.same(parseDeviceFlag('/dev/sda:/dev/xvda:rw'), { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'rw' });
  t.throws(() => parseDeviceFlag('/dev/sda:/x:rwx'), /invalid device specification/);
});

t.test('flags -> HostConfig, with the checks and defaults of Docker', async (t) => {
  const h = await isolationHostConfig({ memory: '64m', cpus: '0.5', cpuShares: '512', pidsLimit: '50', capAdd: ['net_admin'], capDrop: ['ALL'], init: true, userns: 'auto:size=1000' });
  t.same(h, { CapAdd: ['CAP_NET_ADMIN'], CapDrop: ['ALL'], Memory: 67108864, NanoCpus: 5e8, CpuShares: 512, PidsLimit: 50, UsernsMode: 'auto:size=1000', Init: true });
  t.same(await isolationHostConfig({ memory: '1g', memorySwap: '-1' }), { Memory: 1 << 30, MemorySwap: -1 });
  await t.rejects(isolationHostConfig({ memory: '1m' }), /Minimum memory limit allowed is 6MB/);
  await t.rejects(isolationHostConfig({ cpus: 'two' }), /failed to parse two as a rational number/);
  await t.rejects(isolationHostConfig({ pidsLimit: '5x' }), /invalid syntax/);
  await t.rejects(isolationHostConfig({ userns: 'keep-id' }), /invalid USER mode: keep-id/);
  const rec = (h: Partial<ContainerRecord['HostConfig']>) => ({ HostConfig: { AutoRemove: false, ...h } }) as ContainerRecord;
  t.same(resourcesOf(rec({ Memory: 100, NanoCpus: 1.5e9, PidsLimit: 0 })), { memory: { limit: 100, swap: 200 }, cpu: { period: 100000, quota: 150000 }, pids: { limit: 0 } },
    '--memory alone allows as much swap again');
  t.same(resourcesOf(rec({})), {});
});

t.test('--security-opt: seccomp profiles are read at create, as Docker\'s client does', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-secopt-'));
  const file = path.join(dir, 'p.json');
  writeFileSync(file, '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n');
  t.same((await isolationHostConfig({ securityOpt: ['no-new-privileges', `seccomp=${file}`, 'seccomp:unconfined', 'apparmor=unconfined'] })).SecurityOpt,
    ['no-new-privileges=true', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}', 'seccomp=unconfined', 'apparmor=unconfined']);
  await t.rejects(isolationHostConfig({ securityOpt: [`seccomp=${dir}/none.json`] }), /opening seccomp profile \(.*none.json\) failed/);
  await t.rejects(isolationHostConfig({ securityOpt: ['no-new-privileges=maybe'] }), /invalid --security-opt 2/);
  await t.rejects(isolationHostConfig({ securityOpt: ['selinux'] }), /Invalid --security-opt: "selinux"/);
});
