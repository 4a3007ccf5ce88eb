/** `tsrun history`: one row per history entry, newest first, with its layer (if it made one). */
import { wastedBytes } from '../snapshot/wasted.js';
import type { FsOps } from '../sys/index.js';
import type { ImageDeps } from './image-service.js';
import type { Image } from './store.js';
import { ensureUnpacked } from './unpack.js';

export interface HistoryRow {
  /** The image this entry is the top of, when it is stored here; else '<missing>'. */
  id: string;
  created?: string;
  createdBy: string;
  size: number;
  comment: string;
  /** The diffID of the layer the entry made; undefined for config-only entries. */
  layer?: string;
  wasted?: number;
}

/** With `layers` (and the fsops to read opaque dirs), each layer's wasted bytes too. */
export async function imageHistory(deps: ImageDeps, image: Image, opts: { layers?: FsOps }): Promise<HistoryRow[]> {
  const diffIDs = image.config.rootfs.diff_ids;
  const history = image.config.history?.length ? image.config.history : diffIDs.map(() => ({}));
  await ensureUnpacked(deps, image); // a committed layer is unpacked on first use: its SIZE is the unpacked one
  const others = await deps.images.list();
  const wasted = opts.layers ? await layerWaste(deps, image, opts.layers) : [];
  const rows: HistoryRow[] = [];
  let layerIndex = 0;
  for (const [i, h] of history.entries()) {
    const entry = h as { created?: string; created_by?: string; comment?: string; empty_layer?: boolean };
    const layer = entry.empty_layer ? undefined : diffIDs[layerIndex];
    const index = entry.empty_layer ? -1 : layerIndex++;
    const size = layer ? (await deps.layers.get(layer))?.size ?? image.manifest.layers[index]?.size ?? 0 : 0;
    // an ancestor image stored here has exactly this prefix of history and layers
    const owner = others.find((o) => (o.config.history?.length ?? 0) === i + 1
      && o.config.rootfs.diff_ids.join() === diffIDs.slice(0, layerIndex).join());
    rows.push({
      id: i === history.length - 1 ? image.id : owner?.id ?? '<missing>',
      created: entry.created, createdBy: entry.created_by ?? '', size, comment: entry.comment ?? '',
      layer, ...(opts.layers && layer ? { wasted: wasted[index] } : {}),
    });
  }
  return rows.reverse();
}

async function layerWaste(deps: ImageDeps, image: Image, fsops: FsOps): Promise<number[]> {
  return wastedBytes(image.config.rootfs.diff_ids.map((d) => deps.paths.layerDiff(d)), fsops);
}
