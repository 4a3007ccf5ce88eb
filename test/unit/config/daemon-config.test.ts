import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDaemonConfig, parseDaemonConfig } from '../../../src/config/daemon-config.js';
import { certsDir, clientConfigDir, daemonConfigFile } from '../../../src/config/locations.js';

t.test('Docker daemon.json keys', async (t) => {
  t.same(parseDaemonConfig(JSON.stringify({
    'registry-mirrors': ['https://mirror.example/', 'http://127.0.0.1:5000'],
    'insecure-registries': ['127.0.0.1:5000', '10.0.0.0/8'],
    'max-concurrent-downloads': 5,
    'log-level': 'debug',
  }), 'f'), {
    registryMirrors: ['https://mirror.example', 'http://127.0.0.1:5000'],
    insecureRegistries: ['127.0.0.1:5000', '10.0.0.0/8'],
    maxConcurrentDownloads: 5,
  });
  t.same(parseDaemonConfig('{}', 'f'), { registryMirrors: [], insecureRegistries: [] });
});

t.test('invalid files name the file and the key', async (t) => {
  t.throws(() => parseDaemonConfig('{', '/etc/tsrun/config.json'), /^\/etc\/tsrun\/config.json: invalid JSON/);
  t.throws(() => parseDaemonConfig('[]', 'f'), /f: expected a JSON object/);
  t.throws(() => parseDaemonConfig('{"registry-mirrors": "https://m"}', 'f'), /"registry-mirrors" must be a list of strings/);
  t.throws(() => parseDaemonConfig('{"registry-mirrors": ["ftp://m"]}', 'f'), /unsupported scheme "ftp"/);
  t.throws(() => parseDaemonConfig('{"registry-mirrors": ["mirror.example"]}', 'f'), /invalid mirror/);
  t.throws(() => parseDaemonConfig('{"registry-mirrors": ["https://m/path"]}', 'f'), /path, query or credentials not allowed/);
  t.throws(() => parseDaemonConfig('{"max-concurrent-downloads": 0}', 'f'), /must be a positive integer/);
});

t.test('a missing file means defaults', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-cfg-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.same(await loadDaemonConfig(path.join(dir, 'none.json')), { registryMirrors: [], insecureRegistries: [] });
  writeFileSync(path.join(dir, 'c.json'), '{"insecure-registries":["h:1"]}');
  t.same((await loadDaemonConfig(path.join(dir, 'c.json'))).insecureRegistries, ['h:1']);
});

t.test('locations from the environment', async (t) => {
  t.equal(daemonConfigFile({}), '/etc/tsrun/config.json');
  t.equal(daemonConfigFile({ TSRUN_CONFIG: '/x.json' }), '/x.json');
  t.equal(certsDir({}), '/etc/docker/certs.d');
  t.equal(certsDir({ TSRUN_CERTS_D: '/c' }), '/c');
  t.equal(clientConfigDir({ HOME: '/home/u' }), '/home/u/.docker');
  t.equal(clientConfigDir({ HOME: '/home/u', DOCKER_CONFIG: '/d' }), '/d');
  t.equal(clientConfigDir({ DOCKER_CONFIG: '/d' }, '/flag'), '/flag');
});
