import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Imports point downward only (docs/design.md). A folder may import only the folders listed here.
const ALLOWED: Record<string, string[]> = {
  core: [],
  oci: ['core'],
  sys: ['core'],
  // host configuration: /etc/tsrun/config.json, ~/.docker/config.json, certs.d, credential helpers
  config: ['oci', 'core'],
  registry: ['oci', 'core'],
  content: ['oci', 'core'],
  snapshot: ['sys', 'oci', 'core'],
  runtime: ['sys', 'oci', 'core'],
  network: ['sys', 'oci', 'core'],
  image: ['registry', 'config', 'content', 'snapshot', 'sys', 'oci', 'core'],
  container: ['runtime', 'snapshot', 'image', 'network', 'sys', 'oci', 'core'],
  build: ['image', 'snapshot', 'content', 'runtime', 'container', 'sys', 'oci', 'core'],
  oci_runtime: ['runtime', 'sys', 'oci', 'core'],
  cli: ['build', 'container', 'image', 'registry', 'config', 'content', 'snapshot', 'network', 'oci', 'core', 'sys'],
};

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

t.test('imports between src/ folders point downward only', async (t) => {
  const violations: string[] = [];
  for (const file of files(src)) {
    const rel = path.relative(src, file);
    const folder = rel.includes(path.sep) ? rel.split(path.sep)[0].replace('-', '_') : undefined;
    if (!folder) continue; // src/index.ts is the package entry: it re-exports from anywhere
    const allowed = ALLOWED[folder];
    if (!allowed) {
      violations.push(`${rel}: folder ${folder} is not in the architecture table`);
      continue;
    }
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)) {
      const target = path.relative(src, path.resolve(path.dirname(file), m[1]));
      const to = target.split(path.sep)[0].replace('-', '_');
      if (to !== folder && !allowed.includes(to)) violations.push(`${rel} imports ${m[1]}`);
    }
  }
  t.same(violations, [], 'no upward or sideways imports');
});

t.test('only src/sys/native.ts and the two composition roots (tsrun, tsrun-oci) load the addon', async (t) => {
  const loaders = files(src).filter((f) => /tsrun_native\.node|sys\/native\.js/.test(readFileSync(f, 'utf8')));
  t.same(loaders.map((f) => path.relative(src, f)).sort(), ['cli/context.ts', 'oci-runtime/main.ts', 'sys/native.ts']);
});
