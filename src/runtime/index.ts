export { startProcess, type StartedProcess } from './spawn.js';
export { startMonitored, type MonitorLaunch, type MonitoredContainer } from './monitor.js';
export { spawnPlanFor, execCandidates, CLONE, FILE_MOUNT_OPTION } from './plan.js';
export { DOCKER_DEFAULT_CAPS, capabilityName, ownBoundingSet, CAPABILITIES } from './capabilities.js';
export { MS } from './mount-options.js';
