/** Build contexts on disk and what `tsrun build` printed, for the build integration tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import { readBlobJson, storedImage } from './store-files.js';

/** A fresh context directory holding `files` (path -> content), removed after the test. */
export function contextDir(t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-ctx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** For each `Step N/M` of the output, whether it said ` ---> Using cache`. */
export function cacheUse(stdout: string): boolean[] {
  const steps = stdout.split(/^Step \d+\/\d+ : /m).slice(1);
  return steps.map((s) => /^ ---> Using cache$/m.test(s));
}

/** The image ID from `Successfully built <short id>`. */
export function builtId(stdout: string): string {
  const m = /^Successfully built ([0-9a-f]{12})$/m.exec(stdout);
  if (!m) throw new Error(`no "Successfully built" in:\n${stdout}`);
  return m[1];
}

export interface BuiltConfig {
  config: {
    Env?: string[]; Cmd?: string[] | null; Entrypoint?: string[] | null; WorkingDir?: string; User?: string;
    Labels?: Record<string, string>; ExposedPorts?: Record<string, object>; Volumes?: Record<string, object>;
    StopSignal?: string; Healthcheck?: { Test: string[]; Interval?: number }; OnBuild?: string[] | null; Shell?: string[];
  };
  history: Array<{ created_by?: string; empty_layer?: boolean; author?: string }>;
  rootfs: { diff_ids: string[] };
  author?: string;
}

/** The config of the image a name points at, read from the store's files. */
export function builtConfig(root: string, name: string): BuiltConfig {
  const full = name.includes('/') ? name : `docker.io/library/${name.includes(':') ? name : name + ':latest'}`;
  return readBlobJson<BuiltConfig>(root, storedImage(root, full).manifest.config.digest);
}

/** Names in the tar of the image's layer number `index` (negative: from the top). */
export function layerEntries(root: string, name: string, index: number): string[] {
  const full = `docker.io/library/${name.includes(':') ? name : name + ':latest'}`;
  const layers = storedImage(root, full).manifest.layers;
  const layer = layers[index < 0 ? layers.length + index : index];
  const out = execFileSync('tar', ['-tf', path.join(root, 'blobs/sha256', layer.digest.slice(7))], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
