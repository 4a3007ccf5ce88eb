export { startProcess, type StartedProcess } from './spawn.js';
export { startMonitored, type MonitorLaunch, type MonitoredContainer } from './monitor.js';
export { spawnPlanFor, execCandidates, CLONE, FILE_MOUNT_OPTION } from './plan.js';
export { DOCKER_DEFAULT_CAPS, capabilityName, ownBoundingSet, CAPABILITIES, normalizeCapabilities, tweakCapabilities } from './capabilities.js';
export { MS } from './mount-options.js';
export { DOCKER_DEFAULT_PROFILE } from './seccomp/docker-default.js';
export { parseSeccompProfile, resolveSeccompProfile, goArch, kernelAtLeast, type DockerSeccompProfile } from './seccomp/profile.js';
export { seccompFilterInput } from './seccomp/filter-input.js';
export * from './cgroups/index.js';
