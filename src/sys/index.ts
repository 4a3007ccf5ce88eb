export type * from './types.js';
export { loadNativeSys, errnoName } from './native.js';
