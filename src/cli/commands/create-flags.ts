import { readFileSync } from 'node:fs';
import { TsrunError } from '../../core/errors.js';
import type { CreateOptions } from '../../container/create.js';
import type { IsolationOptions } from '../../container/isolation-options.js';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag } from '../../container/mount-flags.js';
import { parseEnvFile, resolveEnvFlags } from '../../container/process-args.js';

/** The flags `run` and `create` share (the isolation flags are declared once, beside their parser). */
export interface CreateFlags extends IsolationOptions {
  rm?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  envFile: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  name?: string;
  hostname?: string;
  privileged?: boolean;
  readOnly?: boolean;
  runtime?: string;
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  network?: string;
  publish?: string[];
  publishAll?: boolean;
  expose?: string[];
  ip?: string;
}

export function createOptions(image: string, args: string[], flags: CreateFlags): CreateOptions {
  const env = [
    ...flags.envFile.flatMap((f) => parseEnvFile(readEnvFile(f), f, process.env)),
    ...resolveEnvFlags(flags.env, process.env),
  ];
  const mounts = [
    ...(flags.volume ?? []).map(parseVolumeFlag),
    ...(flags.mount ?? []).map(parseMountFlag),
    ...(flags.tmpfs ?? []).map(parseTmpfsFlag),
  ];
  return {
    image, args, env, mounts,
    entrypoint: flags.entrypoint,
    workdir: flags.workdir,
    user: flags.user,
    name: flags.name,
    hostname: flags.hostname,
    rm: flags.rm === true,
    interactive: flags.interactive === true,
    tty: flags.tty === true,
    privileged: flags.privileged === true,
    readOnly: flags.readOnly === true,
    ...(flags.runtime ? { runtime: flags.runtime } : {}),
    isolation: {
      capAdd: flags.capAdd, capDrop: flags.capDrop, securityOpt: flags.securityOpt, device: flags.device, groupAdd: flags.groupAdd,
      memory: flags.memory, memorySwap: flags.memorySwap, cpus: flags.cpus, cpuShares: flags.cpuShares, pidsLimit: flags.pidsLimit,
      cgroupParent: flags.cgroupParent, userns: flags.userns, init: flags.init === true,
    },
    net: { network: flags.network, publish: flags.publish ?? [], publishAll: flags.publishAll === true, expose: flags.expose ?? [], ip: flags.ip },
  };
}

function readEnvFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', `open ${file}: no such file or directory (--env-file)`, { cause: err });
  }
}
