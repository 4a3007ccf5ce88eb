export { readCgroupLayout, parseCgroupLayout, hierarchyFor, type CgroupLayout, type CgroupHierarchy } from './hierarchy.js';
export { containerCgroupDirs, cgroupDir, cgroupParentDirs, hierarchyOf } from './paths.js';
export { createCgroup, removeCgroup, type JoinedCgroup } from './manager.js';
export { readCgroupUsage, type CgroupUsage } from './usage.js';
export { DEFAULT_DEVICE_RULES, ALLOW_ALL_DEVICES, v1DeviceLine } from './device-rules.js';
export { deviceFilterProgram, allowsEverything } from './device-filter.js';
