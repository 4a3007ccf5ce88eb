/**
 * --explain-cache: why a step missed the cache, found by comparing what the
 * step would record with the records made earlier on the same parent (pure).
 */
import type { CacheRecord, StepSummary } from './cache.js';

export interface MissContext {
  noCache: boolean;
  parent: string;
  /** Set when the previous step was rebuilt in this build, so the parent is new (e.g. "step 3"). */
  parentRebuiltBy?: string;
  /** The base image named in FROM, for the first step of a stage. */
  baseName?: string;
}

const short = (id: string) => (id.startsWith('sha256:') ? id.slice(7, 19) : id);
const MAX_LISTED = 5;

function listed(kind: string, names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).map((n) => JSON.stringify(n)).join(', ');
  const more = names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : '';
  return `${kind} ${shown}${more}`;
}

/** What differs between two key/value maps: "changed a, b", "added c", "removed d". */
export function mapChanges(before: Record<string, string>, now: Record<string, string>): { changed: string[]; added: string[]; removed: string[] } {
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const [k, v] of Object.entries(now)) {
    if (!(k in before)) added.push(k);
    else if (before[k] !== v) changed.push(k);
  }
  for (const k of Object.keys(before)) if (!(k in now)) removed.push(k);
  return { changed: changed.sort(), added: added.sort(), removed: removed.sort() };
}

function argReason(before: Record<string, string>, now: Record<string, string>): string | undefined {
  const d = mapChanges(before, now);
  const parts = [
    ...d.changed.map((k) => `build arg ${k} changed (${JSON.stringify(before[k])} -> ${JSON.stringify(now[k])})`),
    ...d.added.map((k) => `build arg ${k} is new (${JSON.stringify(now[k])})`),
    ...d.removed.map((k) => `build arg ${k} is no longer set`),
  ];
  return parts.length ? parts.join('; ') : undefined;
}

function sourceReason(before: StepSummary, now: StepSummary): string | undefined {
  if (before.sourcesTruncated || now.sourcesTruncated) {
    return JSON.stringify(before.sources) === JSON.stringify(now.sources) ? undefined : 'source files changed';
  }
  const d = mapChanges(before.sources, now.sources);
  const parts = [
    d.changed.length ? listed(d.changed.length > 1 ? 'files changed:' : 'file changed:', d.changed) : '',
    d.added.length ? listed(d.added.length > 1 ? 'files added:' : 'file added:', d.added) : '',
    d.removed.length ? listed(d.removed.length > 1 ? 'files removed:' : 'file removed:', d.removed) : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}

/** Why `now` on `ctx.parent` has no usable record, in one line. */
export function explainMiss(now: StepSummary, key: string, candidates: readonly CacheRecord[], ctx: MissContext): string {
  if (ctx.noCache) return '--no-cache';
  if (candidates.length === 0) {
    if (ctx.parentRebuiltBy) return `parent ${short(ctx.parent)} is new (${ctx.parentRebuiltBy} was rebuilt)`;
    if (ctx.baseName) return `nothing was built on ${ctx.baseName} (${short(ctx.parent)}) before`;
    return `nothing was built on parent ${short(ctx.parent)} before`;
  }
  if (candidates.some((c) => c.key === key)) return 'the cached result was removed from the store';
  const same = candidates.find((c) => c.step.original === now.original);
  if (!same) {
    return `instruction changed: no cached step on parent ${short(ctx.parent)} runs this (last cached: ${JSON.stringify(candidates[0].step.original)})`;
  }
  const before = same.step;
  const reasons = [argReason(before.args, now.args), sourceReason(before, now)].filter((r): r is string => r !== undefined);
  if (reasons.length) return reasons.join('; ');
  if (before.createdBy !== now.createdBy) {
    return `instruction changed after expansion: ${JSON.stringify(before.createdBy)} -> ${JSON.stringify(now.createdBy)}`;
  }
  if (JSON.stringify(before.extra) !== JSON.stringify(now.extra)) return `options changed: ${before.extra.join(' ')} -> ${now.extra.join(' ')}`;
  return 'the cached result was removed from the store';
}
