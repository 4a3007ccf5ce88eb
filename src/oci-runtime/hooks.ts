/**
 * OCI hooks: each runs in the runtime's namespaces with the container's state
 * JSON on stdin; a failing prestart/createRuntime hook fails create, a failing
 * poststart/poststop hook is only logged (OCI runtime spec, "Lifecycle").
 */
import { spawnSync } from 'node:child_process';
import { TsrunError } from '../core/errors.js';
import type { Hook } from '../oci/runtime-spec.js';
import type { OciState } from './state.js';

export function runHooks(kind: string, hooks: Hook[] | undefined, state: OciState): void {
  for (const hook of hooks ?? []) {
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
