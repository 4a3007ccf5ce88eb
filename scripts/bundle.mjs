// Bundles the CLI into one file (dist/tsrun.mjs): Node 20's ESM loader pays per
// module, and start-up time is most of a short `tsrun run`.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  // bundled CommonJS dependencies (commander) call require()
  banner: { js: "import { createRequire as __tsrunRequire } from 'node:module'; const require = __tsrunRequire(import.meta.url);" },
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/tsrun.mjs' });
chmodSync('dist/tsrun.mjs', 0o755);
// The OCI runtime is its own small bundle: containerd starts it for every step of every container.
await build({ ...common, entryPoints: ['src/oci-runtime/main.ts'], outfile: 'dist/tsrun-oci.mjs' });
chmodSync('dist/tsrun-oci.mjs', 0o755);
