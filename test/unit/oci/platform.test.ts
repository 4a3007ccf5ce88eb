import t from 'tap';
import { formatPlatform, normalizePlatform, parsePlatform, platformRank, selectManifest } from '../../../src/oci/platform.js';
import type { Descriptor } from '../../../src/oci/image.js';

t.test('parse and normalise', async (t) => {
  t.same(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  t.same(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
  t.same(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  t.same(parsePlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  t.same(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  t.same(parsePlatform('LINUX/ARM/6'), { os: 'linux', architecture: 'arm', variant: 'v6' });
  t.same(parsePlatform('arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  t.throws(() => parsePlatform('linux/amd64/v1/x'), /invalid platform "linux\/amd64\/v1\/x"/);
  t.throws(() => parsePlatform('linux//amd64'), /invalid platform/);
  t.equal(formatPlatform(normalizePlatform({ os: 'linux', architecture: 'arm64' })), 'linux/arm64/v8');
});

t.test('ranking: exact first, lower arm variants run on higher', async (t) => {
  t.equal(platformRank(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' }), 0);
  t.equal(platformRank(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v6' }), 1);
  t.equal(platformRank(parsePlatform('linux/arm/v6'), { os: 'linux', architecture: 'arm', variant: 'v7' }), undefined);
  t.equal(platformRank(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64' }), 0, 'arm64 without variant is v8');
  t.equal(platformRank(parsePlatform('linux/amd64'), { os: 'windows', architecture: 'amd64' }), undefined);
});

t.test('selectManifest', async (t) => {
  const d = (digest: string, os: string, architecture: string, variant?: string): Descriptor => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1, platform: { os, architecture, ...(variant ? { variant } : {}) },
  });
  const list = [
    d('sha256:a', 'linux', 'arm', 'v6'), d('sha256:b', 'linux', 'arm', 'v7'), d('sha256:c', 'linux', 'amd64'),
    d('sha256:d', 'unknown', 'unknown'), d('sha256:e', 'linux', 'arm64', 'v8'), d('sha256:f', 'windows', 'amd64'),
  ];
  t.equal(selectManifest(list, parsePlatform('linux/amd64')).digest, 'sha256:c');
  t.equal(selectManifest(list, parsePlatform('linux/arm/v7')).digest, 'sha256:b');
  t.equal(selectManifest(list, parsePlatform('linux/arm/v6')).digest, 'sha256:a');
  t.equal(selectManifest([list[0]!], parsePlatform('linux/arm/v7')).digest, 'sha256:a', 'v6 serves a v7 host when nothing better exists');
  t.equal(selectManifest(list, parsePlatform('linux/arm64')).digest, 'sha256:e');
  t.throws(() => selectManifest(list, parsePlatform('linux/s390x')), /^no matching manifest for linux\/s390x in the manifest list entries$/);
  t.throws(() => selectManifest([{ mediaType: 'x', digest: 'sha256:z', size: 1 }], parsePlatform('linux/amd64')), /no matching manifest/);
});
