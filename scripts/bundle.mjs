// Bundles the CLI into one file (dist/cli.cjs) and puts the launcher beside it (dist/tsrun.cjs, the
// bin): Node 20's ESM loader pays per module, and start-up is most of a short `tsrun run`. The bundle
// is a classic script so the launcher can run it with a V8 code cache (scripts/launcher.cjs).
// dist/tsrun.mjs, the entry of earlier builds, stays as an alias.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.cjs',
  format: 'cjs',
  // import() of node built-ins becomes require(): a vm.Script has no module loader for import()
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__tsrunModuleUrl' },
  banner: { js: "const __tsrunModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
copyFileSync('scripts/launcher.cjs', 'dist/tsrun.cjs');
chmodSync('dist/tsrun.cjs', 0o755);
writeFileSync('dist/tsrun.mjs', "#!/usr/bin/env node\n// the entry of earlier builds: dist/tsrun.cjs starts quicker\nimport './tsrun.cjs';\n", { mode: 0o755 });
chmodSync('dist/tsrun.mjs', 0o755);
rmSync('dist/.v8-cache', { recursive: true, force: true }); // made by the first runs of this build
// The OCI runtime is its own small bundle: containerd starts it for every step of every container.
// CommonJS for the same reason as the launcher (no ESM loader set up first); dist/tsrun-oci.mjs stays
// as an alias for configurations that name it.
await build({
  ...common,
  entryPoints: ['src/oci-runtime/main.ts'],
  outfile: 'dist/tsrun-oci.cjs',
  format: 'cjs',
  define: { 'import.meta.url': '__tsrunModuleUrl' },
  banner: { js: "const __tsrunModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
chmodSync('dist/tsrun-oci.cjs', 0o755);
writeFileSync('dist/tsrun-oci.mjs', "#!/usr/bin/env node\n// an alias: dist/tsrun-oci.cjs starts quicker\nimport './tsrun-oci.cjs';\n", { mode: 0o755 });
chmodSync('dist/tsrun-oci.mjs', 0o755);
