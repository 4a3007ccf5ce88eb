import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dockerSaveArchive } from '../helpers/image-archive.js';
import { requiresRoot } from '../helpers/requires.js';
import { busyboxRootfsTar, importBusybox, tmpStore, tsrun, tsrunAsync } from '../helpers/tsrun.js';

// Traffic stays on 127.0.0.1 and inside the namespaces tsrun makes for these containers.

/** GET http://127.0.0.1:port/path from the host. */
function fetchLocal(port: number, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: file, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Retries while the server in the container starts. */
async function fetchEventually(port: number, file: string) {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      return await fetchLocal(port, file);
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}

const ownRules = (id: string) => execFileSync('iptables-save', { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`tsrun:ctr:${id}`));
const vethOf = (id: string) => `tsr${id.slice(0, 12)}`;

function expectReleased(t: Test, id: string, what: string) {
  t.same(ownRules(id), [], `${what}: no iptables rule of the container`);
  t.notOk(existsSync(`/sys/class/net/${vethOf(id)}`), `${what}: no veth`);
  t.notOk(existsSync(`/run/netns/tsrun-${id}`), `${what}: no network namespace`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  const www = mkdtempSync(path.join(os.tmpdir(), 'tsrun-www-'));
  writeFileSync(path.join(www, 'hello.txt'), 'Hi, I am in your container\n');
  t.teardown(() => { tsrun(root, ['rm', '-f', 'web', 'web2', 'exposer', 'member1', 'member2', 'crashy']); });

  t.test('-p 18080:80: busybox httpd in a detached container serves the host', async (t) => {
    const run = tsrun(root, ['run', '-d', '--name', 'web', '-p', '18080:80', '-v', `${www}:/www:ro`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www']);
    t.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const res = await fetchEventually(18080, '/hello.txt');
    t.equal(res.status, 200);
    t.equal(res.body, 'Hi, I am in your container\n', 'fetched through 127.0.0.1:18080');
    t.equal(tsrun(root, ['port', 'web']).stdout, '80/tcp -> 0.0.0.0:18080\n');
    t.equal(tsrun(root, ['port', 'web', '80']).stdout, '0.0.0.0:18080\n');
    const port443 = tsrun(root, ['port', 'web', '443/tcp']);
    t.equal(port443.code, 1);
    t.match(port443.stderr, /No public port '443\/tcp' published for web/);
    t.match(tsrun(root, ['ps']).stdout, /0\.0\.0\.0:18080->80\/tcp\s+web\n/, 'ps shows the mapping');
    t.equal(ownRules(id).length, 1, 'one DNAT rule, tagged with the container id');
    const info = JSON.parse(tsrun(root, ['inspect', 'web']).stdout)[0];
    t.same(info.NetworkSettings.Ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '18080' }] }, 'inspect: Ports');
    t.match(info.NetworkSettings.Networks.bridge.IPAddress, /^10\.201\.\d+\.\d+$/, 'inspect: the address');
    t.equal(info.HostConfig.NetworkMode, 'bridge');

    // another host address than loopback: the default bridge's gateway, from a container on another network
    t.equal(tsrun(root, ['network', 'create', 'side']).code, 0);
    t.teardown(() => { tsrun(root, ['network', 'rm', 'side']); });
    const viaGateway = tsrun(root, ['run', '--rm', '--network', 'side', 'busybox', 'timeout', '5', 'wget', '-q', '-O-', 'http://10.201.0.1:18080/hello.txt']);
    t.equal(viaGateway.stdout, 'Hi, I am in your container\n', 'reachable on the bridge address too');

    const busy = tsrun(root, ['run', '-d', '--name', 'web2', '-p', '18080:80', 'busybox', 'httpd', '-f', '-p', '80']);
    t.equal(busy.code, 125, 'a published port cannot be published twice');
    t.match(busy.stderr, /Bind for 0\.0\.0\.0:18080 failed: port is already allocated/);
    t.match(tsrun(root, ['ps', '-a', '--filter', 'name=web2']).stdout, /Exited \(125\)/, 'the second container did not start');
    tsrun(root, ['rm', '-f', 'web2']);
  });

  t.test('a host port in use by another program is refused before the container starts', async (t) => {
    const port = await freePort();
    const server = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    t.teardown(() => server.close());
    const r = tsrun(root, ['run', '--rm', '-p', `${port}:80`, 'busybox', 'echo', 'must not run']);
    t.equal(r.code, 125);
    t.match(r.stderr, new RegExp(`listen tcp4 0\\.0\\.0\\.0:${port}: bind: address already in use`));
    t.notMatch(r.stdout, /must not run/);
  });

  t.test('stop releases the port and the address', async (t) => {
    const id = tsrun(root, ['ps', '-q', '--no-trunc', '-f', 'name=^web$']).stdout.trim();
    const members = () => Object.keys(JSON.parse(tsrun(root, ['network', 'inspect', 'bridge']).stdout)[0].Containers);
    t.ok(members().includes(id), 'web holds an address');
    t.equal(tsrun(root, ['stop', '-t', '0', 'web']).code, 0);
    expectReleased(t, id, 'after stop');
    t.notOk(members().includes(id), 'its address is released');
    await t.rejects(fetchLocal(18080, '/hello.txt'), 'nothing answers on the port');
    const again = tsrun(root, ['run', '-d', '--name', 'web2', '-p', '18080:80', '-v', `${www}:/www:ro`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www']);
    t.equal(again.code, 0, `the port is free again: ${again.stderr}`);
    t.equal((await fetchEventually(18080, '/hello.txt')).status, 200);
    t.equal(tsrun(root, ['rm', '-f', 'web2']).code, 0);
    expectReleased(t, again.stdout.trim(), 'after rm');
  });

  t.test('-P publishes every EXPOSEd port on a random host port', async (t) => {
    const archive = path.join(mkdtempSync(path.join(os.tmpdir(), 'tsrun-expose-')), 'image.tar');
    writeFileSync(archive, await dockerSaveArchive([readFileSync(busyboxRootfsTar())], 'exposer:latest', {
      ExposedPorts: { '80/tcp': {} }, Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'],
    }));
    t.equal(tsrun(root, ['load', '-i', archive]).code, 0);
    const run = tsrun(root, ['run', '-d', '--name', 'exposer', '-P', '-v', `${www}:/www:ro`, 'exposer']);
    t.equal(run.code, 0, run.stderr);
    const line = tsrun(root, ['port', 'exposer']).stdout;
    const m = /^80\/tcp -> 0\.0\.0\.0:(\d+)\n$/.exec(line);
    t.ok(m, `port shows the mapping: ${line}`);
    const port = Number(m?.[1]);
    t.not(port, 80);
    t.equal((await fetchEventually(port, '/hello.txt')).body, 'Hi, I am in your container\n');
    t.match(tsrun(root, ['ps']).stdout, new RegExp(`0\\.0\\.0\\.0:${port}->80/tcp`));
    t.equal(tsrun(root, ['rm', '-f', 'exposer']).code, 0);
    expectReleased(t, run.stdout.trim(), 'after rm');
  });

  t.test('--network none has only lo; host shares the host stack', async (t) => {
    const none = tsrun(root, ['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo lo-up']);
    t.equal(none.stdout, 'lo\nlo-up\n', 'only lo, and it is up');
    const alone = tsrun(root, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '30']).stdout.trim();
    t.teardown(() => { tsrun(root, ['rm', '-f', alone]); });
    t.notOk(existsSync(`/run/netns/tsrun-${alone}`), 'its namespace is its own, not one made beforehand');
    const joined = tsrun(root, ['run', '--rm', '--network', `container:${alone}`, 'busybox', 'sh', '-c', 'ls /sys/class/net; readlink /proc/self/ns/net']);
    const ownNs = tsrun(root, ['exec', alone, 'readlink', '/proc/self/ns/net']).stdout;
    t.equal(joined.stdout, `lo\n${ownNs}`, 'container: joins the none container\'s namespace');
    t.equal(tsrun(root, ['rm', '-f', alone]).code, 0);
    const bridge = tsrun(root, ['run', '--rm', 'busybox', 'sh', '-c', 'ls /sys/class/net; ip route']);
    t.match(bridge.stdout, /^eth0\nlo\ndefault via 10\.201\.0\.1 dev eth0/, 'the default network is the bridge, with a default route');
    const hostNet = tsrun(root, ['run', '--rm', '--network', 'host', 'busybox', 'ls', '/sys/class/net']).stdout.split('\n');
    t.ok(hostNet.includes('tsrun0') && hostNet.includes('lo'), 'the host\'s interfaces, the bridge among them');
  });

  t.test('containers on a user network reach each other by name', async (t) => {
    t.equal(tsrun(root, ['network', 'create', '--subnet', '10.203.7.0/24', 'appnet']).code, 0);
    t.teardown(() => { tsrun(root, ['rm', '-f', 'member1', 'member2']); tsrun(root, ['network', 'rm', 'appnet']); });
    t.match(tsrun(root, ['network', 'ls']).stdout, /appnet\s+bridge\s+local/);
    const one = tsrun(root, ['run', '-d', '--name', 'member1', '--network', 'appnet', '--ip', '10.203.7.50', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    t.equal(one.code, 0, one.stderr);
    const two = tsrun(root, ['run', '--rm', '--name', 'member2', '--network', 'appnet', 'busybox', 'sh', '-c',
      'ping -c 1 -W 3 member1 >/dev/null && timeout 5 wget -q -O- http://member1/hostname']);
    t.equal(two.code, 0, two.stderr);
    t.equal(two.stdout, one.stdout.slice(0, 12) + '\n', 'member2 fetched member1\'s /etc/hostname by name');
    const inspect = JSON.parse(tsrun(root, ['network', 'inspect', 'appnet']).stdout);
    t.equal(inspect[0].IPAM.Config[0].Subnet, '10.203.7.0/24');
    t.equal(Object.values(inspect[0].Containers as Record<string, { IPv4Address: string }>)[0]?.IPv4Address, '10.203.7.50/24', '--ip');
    t.match(tsrun(root, ['exec', 'member1', 'cat', '/etc/hosts']).stdout, /10\.203\.7\.50\t[0-9a-f]{12} member1\n$/,
      'member2 left member1\'s /etc/hosts when it went');
    const busy = tsrun(root, ['network', 'rm', 'appnet']);
    t.equal(busy.code, 1);
    t.match(busy.stderr, /has active endpoints/);
    const shared = tsrun(root, ['run', '--rm', '--network', 'container:member1', 'busybox', 'timeout', '5', 'wget', '-q', '-O-', 'http://127.0.0.1/hostname']);
    t.equal(shared.stdout, one.stdout.slice(0, 12) + '\n', '--network container: shares member1\'s namespace');
  });

  t.test('20 containers started in parallel get 20 distinct addresses', async (t) => {
    const names = Array.from({ length: 20 }, (_, i) => `par${i}`);
    t.teardown(() => { tsrun(root, ['rm', '-f', ...names], { timeout: 120_000 }); });
    const ids = await Promise.all(names.map((name) => new Promise<string>((resolve) => {
      const child = tsrunAsync(root, ['run', '-d', '--name', name, 'busybox', 'sleep', '120']);
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.on('exit', (code) => resolve(code === 0 ? out.trim() : `exit ${code}`));
    })));
    t.ok(ids.every((id) => /^[0-9a-f]{64}$/.test(id)), `all started: ${ids.filter((id) => !/^[0-9a-f]{64}$/.test(id)).join(', ')}`);
    const members = JSON.parse(tsrun(root, ['network', 'inspect', 'bridge']).stdout)[0].Containers as Record<string, { IPv4Address: string }>;
    const addresses = ids.map((id) => members[id]?.IPv4Address);
    t.equal(new Set(addresses).size, 20, `distinct: ${addresses.join(' ')}`);
    t.ok(addresses.every((a) => a?.startsWith('10.201.')), 'all on the default bridge');
    const inside = tsrun(root, ['exec', 'par7', 'ip', '-4', '-o', 'addr', 'show', 'eth0']).stdout;
    t.equal(`${inside.match(/inet (\S+)/)?.[1]}`, addresses[7], 'the address inside is the one inspect shows');
    t.equal(tsrun(root, ['rm', '-f', ...names], { timeout: 120_000 }).code, 0);
    for (const id of ids) expectReleased(t, id, 'after rm');
  });

  t.test('a killed monitor leaks nothing: the next command cleans up', async (t) => {
    const port = await freePort();
    const run = tsrun(root, ['run', '-d', '--name', 'crashy', '-p', `${port}:80`, 'busybox', 'httpd', '-f', '-p', '80']);
    t.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const state = JSON.parse(readFileSync(path.join(root, 'containers', id, 'state.json'), 'utf8'));
    process.kill(state.MonitorPid, 'SIGKILL');
    for (let i = 0; i < 50 && existsSync(`/proc/${state.Pid}`); i++) await new Promise((r) => setTimeout(r, 50));
    tsrun(root, ['ps']); // any command sweeps (another tsrun on this host may have been first)
    expectReleased(t, id, 'after the next command');
    const again = tsrun(root, ['run', '--rm', '-p', `${port}:80`, 'busybox', 'true']);
    t.equal(again.code, 0, `the port is free again: ${again.stderr}`);
  });

  t.test('a build step on the bridge (attachStepNetwork, for tsrun build --network bridge)', async (t) => {
    const { loadNativeSys } = await import('../../src/sys/native.js');
    const { attachStepNetwork } = await import('../../src/container/build-network.js');
    const id = `buildstep${process.pid}`;
    const step = await attachStepNetwork({ sys: loadNativeSys() }, id);
    t.teardown(() => step.release());
    t.ok(existsSync(step.netnsPath), 'the namespace exists before the step runs');
    const inside = execFileSync('ip', ['-n', `tsrun-${id}`, '-4', '-o', 'addr', 'show', 'eth0'], { encoding: 'utf8' });
    const ip = inside.match(/inet (10\.201\.[\d.]+)\//)?.[1];
    t.ok(ip, `eth0 has a bridge address: ${inside}`);
    t.match(step.hosts, new RegExp(`\n${ip}\t${id}\n`));
    t.match(step.resolvConf, /nameserver /);
    await step.release();
    t.notOk(existsSync(step.netnsPath), 'released');
    t.notOk(existsSync(`/sys/class/net/tsr${id.slice(0, 12)}`), 'no veth');
  });

  t.test('the nftables backend ("firewall-backend": "nftables" in the settings)', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-nft-'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ 'firewall-backend': 'nftables' }));
    const env = { TSRUN_CONFIG: path.join(dir, 'config.json') };
    t.equal(tsrun(root, ['network', 'create', 'nftnet'], { env }).code, 0);
    t.teardown(() => { tsrun(root, ['rm', '-f', 'nftweb']); tsrun(root, ['network', 'rm', 'nftnet']); });
    const bridge = JSON.parse(tsrun(root, ['network', 'inspect', 'nftnet']).stdout)[0].Options['com.docker.network.bridge.name'];
    const port = await freePort();
    const run = tsrun(root, ['run', '-d', '--name', 'nftweb', '--network', 'nftnet', '-p', `${port}:80`, '-v', `${www}:/www:ro`,
      'busybox', 'httpd', '-f', '-p', '80', '-h', '/www'], { env });
    t.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    t.equal((await fetchEventually(port, '/hello.txt')).body, 'Hi, I am in your container\n', 'published through nft');
    const nft = () => execFileSync('nft', ['list', 'table', 'ip', 'tsrun'], { encoding: 'utf8' });
    t.match(nft(), `comment "tsrun:ctr:${id}"`, 'the DNAT rule is in tsrun\'s nft table');
    t.match(nft(), `comment "tsrun:net:${bridge}"`);
    t.same(ownRules(id), [], 'and not in iptables');
    t.equal(tsrun(root, ['rm', '-f', 'nftweb']).code, 0);
    t.notMatch(nft(), `tsrun:ctr:${id}`, 'rm removes it');
    t.equal(tsrun(root, ['network', 'rm', 'nftnet']).code, 0);
    t.notMatch(nft(), `tsrun:net:${bridge}`, 'network rm removes the network\'s rules');
    t.notOk(existsSync(`/sys/class/net/${bridge}`), 'and its bridge');
  });
}
