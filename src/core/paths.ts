import path from 'node:path';

/**
 * Every on-disk path of the store is computed here and nowhere else.
 *
 *   ROOT/oci-layout, ROOT/index.json     OCI image layout: index.json holds the tags
 *   ROOT/blobs/sha256/<hex>              content-addressed blobs (verified on write)
 *   ROOT/layers/<diffID hex>/diff        unpacked layer, shared by every image that has it
 *   ROOT/layers/<diffID hex>/layer.json  its metadata (size, short link id)
 *   ROOT/layers/<diffID hex>/blobs.json  compressed blobs known to hold it (for push/save of images that skipped the download)
 *   ROOT/l/<link>                        short symlinks to layer diffs (keep overlay's option string short)
 *   ROOT/containers/<id>/                config.json, state.json, ctr.log, upper/, work/, merged/, hosts, hostname, resolv.conf
 *   ROOT/volumes/<name>/                 volume.json, _data/ (what the container sees)
 *   ROOT/networks/<id>.json              user-defined networks (addresses in use: /run/tsrun/net, host-wide)
 *   ROOT/build-cache/<parent>/<key>.json build step results (they keep their layers from rmi's GC)
 *   ROOT/build-mounts/<id>/              RUN --mount=type=cache directories
 *   ROOT/tmp/<pid>-<random>              scratch space; removed when its process is gone
 *   ROOT/leases/<pid>-<random>.json      blobs and layers a running pull uses before it names them (GC keeps them)
 *   ROOT/cache/seccomp/<key>.bpf         compiled seccomp programs (libseccomp takes ~15 ms per start)
 *   ROOT/tsrun.lock                      the store's metadata lock
 */
export class StorePaths {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get lockFile(): string { return path.join(this.root, 'tsrun.lock'); }
  get ociLayout(): string { return path.join(this.root, 'oci-layout'); }
  get index(): string { return path.join(this.root, 'index.json'); }
  get blobsDir(): string { return path.join(this.root, 'blobs', 'sha256'); }
  blob(digest: string): string { return path.join(this.blobsDir, hexOf(digest)); }
  get layersDir(): string { return path.join(this.root, 'layers'); }
  layerDir(diffID: string): string { return path.join(this.layersDir, hexOf(diffID)); }
  layerDiff(diffID: string): string { return path.join(this.layerDir(diffID), 'diff'); }
  layerMeta(diffID: string): string { return path.join(this.layerDir(diffID), 'layer.json'); }
  layerBlobs(diffID: string): string { return path.join(this.layerDir(diffID), 'blobs.json'); }
  get leasesDir(): string { return path.join(this.root, 'leases'); }
  get linksDir(): string { return path.join(this.root, 'l'); }
  link(id: string): string { return path.join(this.linksDir, id); }
  get containersDir(): string { return path.join(this.root, 'containers'); }
  containerDir(id: string): string { return path.join(this.containersDir, id); }
  containerFile(id: string, name: string): string { return path.join(this.containerDir(id), name); }
  get volumesDir(): string { return path.join(this.root, 'volumes'); }
  volumeDir(name: string): string { return path.join(this.volumesDir, name); }
  get networksDir(): string { return path.join(this.root, 'networks'); }
  get buildCacheDir(): string { return path.join(this.root, 'build-cache'); }
  buildMountDir(id: string): string { return path.join(this.root, 'build-mounts', id); }
  get tmpDir(): string { return path.join(this.root, 'tmp'); }
  get emptyDir(): string { return path.join(this.root, 'empty'); }
  get seccompCacheDir(): string { return path.join(this.root, 'cache', 'seccomp'); }
}

export function defaultStoreRoot(env: NodeJS.ProcessEnv): string {
  return env.TSRUN_ROOT || '/var/lib/tsrun';
}

function hexOf(digest: string): string {
  const i = digest.indexOf(':');
  return i >= 0 ? digest.slice(i + 1) : digest;
}
