export { ContainerStore, type ContainerRecord, type ContainerState } from './store.js';
export { runContainer, type RunOptions, type ContainerDeps } from './run.js';
export { parseEnvFile, resolveEnvFlags, commandLine, mergeEnv } from './process-args.js';
export { resolveUser } from './user.js';
