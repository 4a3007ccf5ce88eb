/** The rows of `tsrun ps`: records with their live state, filtered like Docker's -f. */
import { TsrunError } from '../core/errors.js';
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import type { ContainerRecord, ContainerState } from './store.js';

export interface ContainerSummary {
  record: ContainerRecord;
  state: ContainerState;
}

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

function matches(s: ContainerSummary, key: string, value: string): boolean {
  switch (key) {
    case 'status':
      if (!STATUSES.includes(value)) throw new TsrunError('INVALID_ARGUMENT', `invalid filter 'status=${value}'`, { exitCode: 1 });
      return s.state.Status === value;
    case 'name': return new RegExp(value).test(s.record.Name);
    case 'id': return s.record.Id.startsWith(value);
    case 'ancestor': return s.record.Image === value || s.record.ImageID.includes(value);
    case 'exited': return s.state.Status === 'exited' && s.state.ExitCode === Number(value);
    case 'label': {
      const [k, v] = value.split('=');
      return k in s.record.Config.Labels && (v === undefined || s.record.Config.Labels[k] === v);
    }
    default: throw new TsrunError('INVALID_ARGUMENT', `invalid filter '${key}'`, { exitCode: 1 });
  }
}

/** Newest first; without `all` only running ones (a status filter implies all, as in Docker). */
export async function listContainers(deps: ContainerDeps, opts: { all: boolean; filters: string[] }): Promise<ContainerSummary[]> {
  const parsed = opts.filters.map((f) => {
    const eq = f.indexOf('=');
    if (eq < 0) throw new TsrunError('INVALID_ARGUMENT', `bad format of filter (expected name=value)`, { exitCode: 1 });
    return [f.slice(0, eq), f.slice(eq + 1)] as const;
  });
  const all = opts.all || parsed.some(([k]) => k === 'status' || k === 'exited');
  const rows: ContainerSummary[] = [];
  for (const record of await deps.containers.list()) {
    const state = await currentState(deps.containers, record.Id);
    const row = { record, state };
    if (!all && !state.Running) continue;
    // the same key ORs its values, different keys AND (Docker's filter semantics)
    const keys = new Set(parsed.map(([k]) => k));
    if ([...keys].every((k) => parsed.filter(([kk]) => kk === k).some(([, v]) => matches(row, k, v)))) rows.push(row);
  }
  return rows.sort((a, b) => b.record.Created.localeCompare(a.record.Created));
}
