/**
 * OCI hooks: each runs in the runtime's namespaces with the container's state
 * JSON on stdin; a failing prestart/createRuntime hook fails create, a failing
 * poststart/poststop hook is only logged (OCI runtime spec, "Lifecycle").
 */
import { createRequire } from 'node:module';
import { TsrunError } from '../core/errors.js';
import type { Hook } from '../oci/runtime-spec.js';
import type { OciState } from './state.js';

/** child_process (and the net module under it) costs ~10 ms to load: only when a hook exists. */
const childProcess = () => createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');

export function runHooks(kind: string, hooks: Hook[] | undefined, state: OciState): void {
  if (!hooks?.length) return;
  const { spawnSync } = childProcess();
  for (const hook of hooks) {
    const [argv0, ...rest] = hook.args?.length ? hook.args : [hook.path];
    const r = spawnSync(hook.path, rest, {
      argv0,
      input: JSON.stringify(state),
      env: Object.fromEntries((hook.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: hook.timeout ? hook.timeout * 1000 : undefined,
      killSignal: 'SIGKILL',
    });
    // EPIPE: the hook did not read its stdin, which it may ignore
    const failed = r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE' ? r.error : undefined;
    const why = failed
      ? failed.message
      : r.signal
        ? `killed by ${r.signal}${hook.timeout ? ` (timeout ${hook.timeout}s)` : ''}`
        : r.status !== 0
          ? `exit status ${r.status}${r.stderr?.length ? `, stderr: ${r.stderr.toString().trim()}` : ''}`
          : undefined;
    if (why) throw new TsrunError('CHILD_SETUP', `${kind} hook ${hook.path}: ${why}`);
  }
}
