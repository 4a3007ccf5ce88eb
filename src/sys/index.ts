export type * from './types.js';
export { loadNativeSys } from './native.js';
export { errnoName } from './errno.js';
