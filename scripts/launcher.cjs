#!/usr/bin/env node
/**
 * tsrun's entry point (copied to dist/tsrun.cjs by scripts/bundle.mjs). It runs the bundle,
 * dist/cli.cjs, as a classic script with a V8 code cache beside it: parsing and compiling
 * ~800 kB took ~30 ms of every command, and Node 20 has no compile cache for modules.
 * CommonJS on purpose: an ES module entry makes Node set up its ESM loader first (~15 ms).
 *
 * One cache per command (`run`, `build`, ...: each holds the functions its command ran, so those
 * are not compiled lazily either), in dist/.v8-cache/. A cache names the bundle's file (inode, size,
 * mtime: hashing 800 kB cost more than the rest of this file) and
 * Node's version; V8 itself refuses one made by another V8 or other flags. It is written after
 * a run that found none (or a refused one): tmp, fsync, rename, so it is whole or absent.
 * Written only where this user may write (the package is root's, and so is tsrun).
 */
const { createHash } = require('node:crypto');
const { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const dir = __dirname;
const bundle = path.join(dir, 'cli.cjs');
const identity = () => {
  const st = statSync(bundle);
  return `${st.dev}\0${st.ino}\0${st.size}\0${st.mtimeMs}`;
};
const before = identity();
const source = readFileSync(bundle, 'utf8');
const stable = identity() === before; // else replaced while read: no cache is used or written
const digest = createHash('sha256').update(`${process.version}\0${process.arch}\0${before}`).digest('hex');

/** The first word that is not an option (global options before the command take no value but --root/--config). */
function commandName(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root' || a === '--config' || a === '--log-level') i++;
    else if (!a.startsWith('-')) return /^[a-z][a-z-]{0,19}$/.test(a) ? a : 'other';
  }
  return 'other';
}

const cacheFile = path.join(dir, '.v8-cache', `${commandName(process.argv.slice(2))}-${digest.slice(0, 32)}.bin`);
let cachedData;
try {
  if (stable) cachedData = readFileSync(cacheFile);
} catch { /* none yet */ }

const wrapper = `(function (exports, require, module, __filename, __dirname) {${source.replace(/^#!.*/, '')}\n})`;
const script = new vm.Script(wrapper, { filename: bundle, cachedData });
if (stable && (!cachedData || script.cachedDataRejected)) process.once('exit', () => saveCache(script));

const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dir);

function saveCache(compiled) {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o755 });
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeSync(fd, compiled.createCachedData());
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, cacheFile);
    // the caches of an older bundle go
    const current = `-${digest.slice(0, 32)}.bin`;
    for (const name of readdirSync(path.dirname(cacheFile))) {
      if (name.endsWith('.bin') && !name.endsWith(current)) rmSync(path.join(path.dirname(cacheFile), name), { force: true });
    }
  } catch {
    rmSync(tmp, { force: true }); // read-only install, or another tsrun wrote it first: fine
  }
}
