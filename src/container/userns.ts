/**
 * User namespaces: which maps a container gets (userns-remap for all, or a
 * free slice of the subordinate ids with --userns=auto), and the host files
 * that must belong to its root: the upper dir, its volumes, and (where the
 * kernel cannot idmap layers) chowned copies of the image's layers.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { isErrno, TsrunError } from '../core/errors.js';
import { scratchPath } from '../core/scratch.js';
import type { Image } from '../image/index.js';
import type { ContainerDeps } from './deps.js';
import { shiftOwnership, type IdMaps } from './id-shift.js';
import { hostIdOf, mappingsOf, type IdRange, type IsolationSettings } from './isolation-settings.js';
import type { ContainerRecord } from './store.js';

const execFileAsync = promisify(execFile);

const DEFAULT_AUTO_SIZE = 65536;

/** The lowest [start, start+size) inside one pool range that overlaps nothing used. */
export function freeSlice(pool: IdRange[], size: number, used: Array<{ start: number; end: number }>): number | undefined {
  const taken = [...used].sort((a, b) => a.start - b.start);
  for (const range of pool) {
    let start = range.start;
    for (const u of taken) {
      if (u.end <= start || u.start >= start + size) continue;
      start = u.end;
    }
    // overlaps were skipped in order; check once more against all (an earlier one may now overlap)
    if (start + size <= range.start + range.count && taken.every((u) => u.end <= start || u.start >= start + size)) return start;
  }
  return undefined;
}

function noRanges(settings: IsolationSettings, kind: 'uid' | 'gid'): TsrunError {
  const who = settings.remapName ?? 'tsrun';
  return new TsrunError('FAILED_PRECONDITION', `Can't create ID mappings: No sub${kind} ranges found for user "${who}"`, {
    hint: `add a line like "${who === 'default' ? 'tsrun' : who}:100000:655360" to /etc/sub${kind}`,
  });
}

function autoMaps(records: ContainerRecord[], settings: IsolationSettings, size: number): IdMaps {
  const pick = (kind: 'uid' | 'gid') => {
    const pool = settings.pool[kind];
    if (pool.length === 0) throw noRanges(settings, kind);
    const used = records.flatMap((r) => (kind === 'uid' ? r.Isolation?.UidMap : r.Isolation?.GidMap) ?? [])
      .map((m) => ({ start: m.hostID, end: m.hostID + m.size }));
    const start = freeSlice(pool, size, used);
    if (start === undefined) throw new TsrunError('FAILED_PRECONDITION', `cannot find a free range of ${size} sub${kind}s for --userns=auto: every range is taken`);
    return [{ containerID: 0, hostID: start, size }];
  };
  return { uid: pick('uid'), gid: pick('gid') };
}

/** Call under the containers lock: auto slices must not overlap another container's. */
export async function chooseIdMappings(deps: ContainerDeps, record: ContainerRecord, settings: IsolationSettings): Promise<IdMaps | undefined> {
  const mode = record.HostConfig.UsernsMode;
  if (mode === 'host') return undefined;
  if (record.HostConfig.Privileged && (mode || settings.remap)) {
    throw new TsrunError('INVALID_ARGUMENT', 'privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode');
  }
  if (mode?.startsWith('auto')) {
    const size = Number(/size=(\d+)/.exec(mode)?.[1] ?? DEFAULT_AUTO_SIZE);
    return autoMaps((await deps.containers.list()).filter((r) => r.Id !== record.Id), settings, size);
  }
  if (!settings.remap) return undefined;
  if (settings.remap.uid.length === 0) throw noRanges(settings, 'uid');
  if (settings.remap.gid.length === 0) throw noRanges(settings, 'gid');
  return { uid: mappingsOf(settings.remap.uid), gid: mappingsOf(settings.remap.gid) };
}

export function rootIds(maps: IdMaps): { uid: number; gid: number } {
  return { uid: hostIdOf(maps.uid, 0)!, gid: hostIdOf(maps.gid, 0)! };
}

/**
 * What the container's root must own or reach: its upper and work dirs, its
 * volumes (shifted like Docker's remapped volumes), and a path through the
 * store (0711, as Docker makes /var/lib/docker for userns-remap).
 */
export async function prepareUserNamespaceFiles(deps: ContainerDeps, record: ContainerRecord, maps: IdMaps): Promise<void> {
  const root = rootIds(maps);
  const dir = deps.paths.containerDir(record.Id);
  for (const sub of ['upper', 'work']) await fs.chown(path.join(dir, sub), root.uid, root.gid);
  const st = await fs.stat(deps.paths.root);
  if ((st.mode & 0o111) !== 0o111) await fs.chmod(deps.paths.root, (st.mode & 0o7777) | 0o711);
  for (const m of record.Mounts ?? []) {
    if (m.Type !== 'volume') continue;
    const data = await fs.stat(m.Source);
    if (data.uid === 0 && data.gid === 0) await shiftOwnership(m.Source, maps);
  }
}

/** hostname, hosts and resolv.conf of the container, writable by its root as in Docker. */
export async function chownEtcFiles(files: string[], maps: IdMaps): Promise<void> {
  const root = rootIds(maps);
  for (const f of files) await fs.chown(f, root.uid, root.gid);
}

function mapsKey(maps: IdMaps): string {
  return createHash('sha256').update(JSON.stringify(maps)).digest('hex').slice(0, 16);
}

/**
 * The image's layers owned by the container's ids: copies made once per
 * mapping (ROOT/remapped/<maps>/<diffID>) for kernels or filesystems where
 * idmapped layers do not work. Topmost first, like lowerDirs.
 */
export async function remappedLowers(deps: ContainerDeps, image: Image, maps: IdMaps): Promise<string[]> {
  const base = path.join(deps.paths.root, 'remapped', mapsKey(maps));
  const lowers: string[] = [];
  for (const diffID of [...image.config.rootfs.diff_ids].reverse()) {
    const target = path.join(base, diffID.replace(/^sha256:/, ''));
    if (!(await fs.stat(target).then(() => true, () => false))) {
      const scratch = await scratchPath(deps.paths.tmpDir, 'remap');
      await execFileAsync('cp', ['-a', '--reflink=auto', deps.paths.layerDiff(diffID), scratch]);
      await shiftOwnership(scratch, maps);
      await fs.mkdir(base, { recursive: true, mode: 0o711 });
      await fs.rename(scratch, target).catch(async (err) => {
        await fs.rm(scratch, { recursive: true, force: true });
        if (!isErrno(err, 'EEXIST') && !isErrno(err, 'ENOTEMPTY')) throw err; // another tsrun made it first
      });
    }
    lowers.push(target);
  }
  return lowers;
}

/** rm: the chowned copies of a mapping go with the last container that used it. */
export async function removeRemappedLayers(deps: ContainerDeps, record: ContainerRecord, maps: IdMaps): Promise<void> {
  const key = mapsKey(maps);
  const others = (await deps.containers.list()).filter((r) => r.Id !== record.Id && r.Isolation?.UidMap && r.Isolation.GidMap);
  if (others.some((r) => mapsKey({ uid: r.Isolation!.UidMap!, gid: r.Isolation!.GidMap! }) === key)) return;
  const doomed = await scratchPath(deps.paths.tmpDir, 'rm-remapped');
  await fs.rename(path.join(deps.paths.root, 'remapped', key), doomed).then(
    () => fs.rm(doomed, { recursive: true, force: true }),
    (err) => { if (!isErrno(err, 'ENOENT')) throw err; },
  );
}
