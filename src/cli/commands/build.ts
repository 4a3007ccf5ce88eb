import { closeSync, openSync, promises as fs } from 'node:fs';
import { buildImage } from '../../build/build-image.js';
import type { RunNetwork } from '../../build/run-container.js';
import { TsrunError } from '../../core/errors.js';
import { familiarName, storedName } from '../../image/names.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';
import { pullWithProgress } from './pull.js';

export interface BuildFlags {
  tag: string[];
  file?: string;
  buildArg: string[];
  label: string[];
  /** commander's --no-cache */
  cache?: boolean;
  pull?: boolean;
  target?: string;
  quiet?: boolean;
  iidfile?: string;
  network?: string;
  explainCache?: boolean;
  configDir?: string;
}

const invalid = (msg: string) => new TsrunError('INVALID_ARGUMENT', msg, { exitCode: 1 });

/** `K=V`, or `K` alone: taken from tsrun's environment (--build-arg) or '' (--label). */
function keyValues(values: string[], fromEnv: boolean): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq === 0) throw invalid(`invalid key/value: ${v}`);
    if (eq > 0) out.set(v.slice(0, eq), v.slice(eq + 1));
    else out.set(v, fromEnv ? process.env[v] : '');
  }
  return out;
}

/** RUN steps get the default bridge like Docker's (and `tsrun run`), or the host's network, or loopback only. */
function networkMode(value = 'default'): RunNetwork {
  if (value === 'default' || value === 'bridge') return 'bridge';
  if (value === 'none' || value === 'host') return value;
  throw invalid(`network mode "${value}" not supported by tsrun build (use bridge, host or none)`);
}

function names(tags: string[]): string[] {
  return tags.map((t) => {
    try {
      return storedName(t);
    } catch {
      throw invalid(`invalid argument "${t}" for "-t, --tag" flag: invalid reference format`);
    }
  });
}

/** `tsrun build [OPTIONS] PATH | -`: steps on stdout (Docker's classic output), or only the ID with -q. */
export async function build(ctx: Context, contextArg: string, flags: BuildFlags, out: Output): Promise<void> {
  const tagged = names(flags.tag);
  const network = networkMode(flags.network);
  const quiet = flags.quiet === true;
  if (flags.iidfile) await fs.rm(flags.iidfile, { force: true }); // no stale ID if this build fails
  const sink = quiet ? openSync('/dev/null', 'w') : undefined;
  try {
    const { image, warnings } = await buildImage(ctx, {
      context: contextArg,
      ...(flags.file ? { file: flags.file } : {}),
      stdin: process.stdin,
      names: tagged,
      buildArgs: keyValues(flags.buildArg, true),
      labels: new Map([...keyValues(flags.label, false)].map(([k, v]) => [k, v ?? ''])),
      ...(flags.target ? { target: flags.target } : {}),
      noCache: flags.cache === false,
      pull: flags.pull === true,
      network,
      explainCache: flags.explainCache === true,
    }, {
      print: quiet ? () => undefined : (line) => out.out(line + '\n'),
      stdout: sink ?? 1,
      stderr: sink ?? 2,
      pull: async (ref, platform) => (await pullWithProgress(ctx, ref, { quiet, tty: false, configDir: flags.configDir, ...(platform ? { platform } : {}) }, out)).image,
    });
    if (flags.iidfile) await fs.writeFile(flags.iidfile, image.id);
    if (quiet) {
      out.out(`${image.id}\n`);
      return;
    }
    for (const w of warnings) out.out(`${w}\n`);
    out.out(`Successfully built ${image.id.slice(7, 19)}\n`);
    for (const n of tagged) out.out(`Successfully tagged ${familiarName(n)}\n`);
  } catch (err) {
    // every build failure exits 1, like docker build (a RUN whose command is missing too)
    if (err instanceof TsrunError && err.exitCode !== 1) throw new TsrunError(err.code, err.message, { cause: err, exitCode: 1, ...(err.hint ? { hint: err.hint } : {}) });
    throw err;
  } finally {
    if (sink !== undefined) closeSync(sink);
  }
}
