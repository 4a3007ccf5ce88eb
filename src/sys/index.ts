export type * from './types.js';
export { errnoName } from './errno.js';
// The addon loader (./native.js) is imported only by the CLI's context, so unit tests never load it.
