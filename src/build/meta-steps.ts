/**
 * The instructions that only change the image config (pure): each returns the
 * new config and its history text, as Docker's classic dispatchers do
 * (moby builder/dockerfile/dispatchers.go).
 */
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { ContainerConfig } from '../oci/image.js';
import type { StageArgs } from './args.js';
import type { Expander } from './expander.js';
import { goList, goQuoteList, healthcheckComment, nopComment } from './history.js';
import type { Command } from './instructions.js';
import { checkStopSignal, exposedPorts } from './ports.js';

export interface MetaContext {
  config: ContainerConfig;
  expand: Expander;
  args: StageArgs;
  /** CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  /** Docker's notes (overriding a HEALTHCHECK). */
  note(text: string): void;
}

export interface MetaResult {
  config: ContainerConfig;
  /** The history text (`/bin/sh -c #(nop)  ...`). */
  createdBy: string;
  cmdSet?: boolean;
  author?: string;
}

export type MetaCommand = Extract<Command, { kind: 'env' | 'label' | 'maintainer' | 'cmd' | 'entrypoint' | 'expose' | 'volume' | 'user' | 'stopsignal' | 'healthcheck' | 'shell' | 'onbuild' | 'arg' }>;

const META_KINDS = new Set(['env', 'label', 'maintainer', 'cmd', 'entrypoint', 'expose', 'volume', 'user', 'stopsignal', 'healthcheck', 'shell', 'onbuild', 'arg']);

export function isMetaCommand(cmd: Command): cmd is MetaCommand {
  return META_KINDS.has(cmd.kind);
}

export function shellOf(config: ContainerConfig): string[] {
  return config.Shell?.length ? [...config.Shell] : ['/bin/sh', '-c'];
}

/** RUN/CMD/ENTRYPOINT argv: the shell form runs through SHELL. */
export function resolveCmdLine(cmd: { cmdLine: string[]; prependShell: boolean }, config: ContainerConfig): string[] {
  return cmd.prependShell && cmd.cmdLine.length ? [...shellOf(config), ...cmd.cmdLine] : [...cmd.cmdLine];
}

/** WORKDIR: relative paths are relative to the current one (normalizeWorkdir). */
export function normalizeWorkdir(current: string | undefined, requested: string): string {
  if (requested === '') throw new TsrunError('INVALID_ARGUMENT', 'cannot normalize nothing');
  const dir = path.posix.isAbsolute(requested) ? path.posix.normalize(requested) : path.posix.join('/', current ?? '', requested);
  return dir.length > 1 ? dir.replace(/\/+$/, '') : dir; // filepath.Clean drops a trailing slash
}

function setEnv(env: string[], key: string, value: string): string[] {
  const entry = `${key}=${value}`;
  const i = env.findIndex((e) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e) === key);
  if (i < 0) return [...env, entry];
  const out = [...env];
  out[i] = entry;
  return out;
}

export function applyMeta(cmd: MetaCommand, ctx: MetaContext): MetaResult {
  const config: ContainerConfig = structuredClone(ctx.config);
  const shell = shellOf(ctx.config);
  const commit = (comment: string, extra: Partial<MetaResult> = {}): MetaResult => ({ config, createdBy: nopComment(shell, comment), ...extra });
  const { expand } = ctx;
  switch (cmd.kind) {
    case 'env': {
      let env = config.Env ?? [];
      const parts: string[] = [];
      for (const kv of cmd.env) {
        const key = expand.word(kv.key);
        const value = expand.word(kv.value);
        env = setEnv(env, key, value);
        parts.push(`${key}=${value}`);
      }
      config.Env = env;
      return commit(`ENV ${parts.join(' ')}`);
    }
    case 'label': {
      config.Labels = { ...(config.Labels ?? {}) };
      const parts: string[] = [];
      for (const kv of cmd.labels) {
        const key = expand.word(kv.key);
        const value = expand.word(kv.value);
        config.Labels[key] = value;
        parts.push(`${key}=${value}`);
      }
      return commit(`LABEL ${parts.join(' ')}`);
    }
    case 'maintainer':
      return commit(`MAINTAINER ${cmd.maintainer}`, { author: cmd.maintainer });
    case 'cmd': {
      config.Cmd = resolveCmdLine(cmd, ctx.config);
      return commit(`CMD ${goQuoteList(config.Cmd)}`, { cmdSet: cmd.cmdLine.length > 0 || ctx.cmdSet });
    }
    case 'entrypoint': {
      config.Entrypoint = resolveCmdLine(cmd, ctx.config);
      if (!ctx.cmdSet) config.Cmd = null; // an inherited CMD makes no sense with a new entrypoint
      return commit(`ENTRYPOINT ${goQuoteList(config.Entrypoint)}`);
    }
    case 'expose': {
      const ports = cmd.ports.flatMap((p) => expand.words(p));
      config.ExposedPorts = { ...(config.ExposedPorts ?? {}) };
      for (const p of exposedPorts(ports)) config.ExposedPorts[p] = {};
      return commit(`EXPOSE ${ports.join(' ')}`);
    }
    case 'volume': {
      const volumes = cmd.volumes.map((v) => expand.word(v));
      config.Volumes = { ...(config.Volumes ?? {}) };
      for (const v of volumes) {
        if (v === '') throw new TsrunError('INVALID_ARGUMENT', 'VOLUME specified can not be an empty string');
        config.Volumes[v] = {};
      }
      return commit(`VOLUME ${goList(volumes)}`);
    }
    case 'user':
      config.User = expand.word(cmd.user);
      return commit(`USER ${config.User}`);
    case 'stopsignal': {
      const signal = expand.word(cmd.signal);
      checkStopSignal(signal);
      config.StopSignal = signal;
      return commit(`STOPSIGNAL ${signal}`);
    }
    case 'healthcheck': {
      const old = ctx.config.Healthcheck?.Test;
      if (old?.length && old[0] !== 'NONE') ctx.note(`Note: overriding previous HEALTHCHECK: ${goList(old)}`);
      const h = cmd.health;
      config.Healthcheck = {
        Test: h.test,
        ...(h.interval ? { Interval: h.interval } : {}),
        ...(h.timeout ? { Timeout: h.timeout } : {}),
        ...(h.startPeriod ? { StartPeriod: h.startPeriod } : {}),
        ...(h.startInterval ? { StartInterval: h.startInterval } : {}),
        ...(h.retries ? { Retries: h.retries } : {}),
      };
      return commit(healthcheckComment(config.Healthcheck));
    }
    case 'shell':
      config.Shell = [...cmd.shell];
      return commit(`SHELL ${goQuoteList(config.Shell)}`);
    case 'onbuild':
      config.OnBuild = [...(config.OnBuild ?? []), cmd.expression];
      return commit(`ONBUILD ${cmd.expression}`);
    case 'arg': {
      const parts: string[] = [];
      for (const a of cmd.args) {
        const value = a.value === undefined ? undefined : expand.word(a.value);
        ctx.args.declare(a.key, value);
        parts.push(value === undefined ? a.key : `${a.key}=${value}`);
      }
      return commit(`ARG ${parts.join(' ')}`);
    }
  }
}
